"""Command line of the lab: runs the scenarios in order and prints one table.

Exit status: 0 every scenario that could run told the story it should; 1 a scenario failed
to run or an outcome contradicted the story; 2 bad arguments; 130 interrupted.
"""

import argparse
import os
import sys

if __package__ in (None, ""):  # run as a file: lab/run.py
    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    __package__ = "lab"

from lab import report, system  # noqa: E402
from lab.options import Options  # noqa: E402
from lab.scenarios import SCENARIOS  # noqa: E402
from lab.switches import DEFAULT_SWITCHYARD  # noqa: E402


def parse_args(argv):
    names = [s.name for s in SCENARIOS]
    p = argparse.ArgumentParser(prog="lab", description=__doc__.splitlines()[0])
    p.add_argument("--scenario", action="append", choices=names, metavar="NAME",
                   help=f"run only this scenario (repeatable): {', '.join(names)}")
    p.add_argument("--keep-captures", metavar="DIR",
                   help="keep every run's pcap/pcapng files under DIR/<scenario>/")
    p.add_argument("--json", action="store_true", help="print JSON instead of the table")
    p.add_argument("--switchyard", metavar="PATH",
                   default=os.environ.get("SWITCHYARD_BIN", DEFAULT_SWITCHYARD),
                   help="the switchyard binary (default: build/apps/switchyard/switchyard)")
    p.add_argument("--file-mb", type=int, metavar="N",
                   help="size of the veth-lesson download in MB (default 20)")
    p.add_argument("--list", action="store_true", help="list the scenarios and exit")
    return p.parse_args(argv)


def run_scenarios(selected, opts):
    results, ok = [], True
    for scenario in selected:
        system.log(f"lab: {scenario.name} ...")
        try:
            row = scenario.run(opts)
        except system.LabError as e:
            row = {"scenario": scenario.name, "available": False, "error": f"failed: {e}"}
            ok = False
        if row.get("available"):
            success = row.get("page", row.get("sha256_match"))
            if success != scenario.expect_success:
                ok = False
        system.log(f"lab: {scenario.name}: "
                   + (row.get("note") or row.get("error") or "done"))
        results.append((scenario, row))
    return results, ok


def main(argv=None):
    args = parse_args(sys.argv[1:] if argv is None else argv)
    if args.list:
        for s in SCENARIOS:
            print(f"{s.name}: {s.story}")
        return 0
    opts = Options(switchyard_bin=os.path.abspath(args.switchyard),
                   keep_captures=os.path.abspath(args.keep_captures) if args.keep_captures
                   else None, corrupt_file_mb=args.file_mb)
    selected = [s for s in SCENARIOS if not args.scenario or s.name in args.scenario]
    try:
        system.require_root()
        system.install_signal_handlers()
        with system.Cleanup() as cleanup:
            system.take_lab_lock(cleanup)
            results, ok = run_scenarios(selected, opts)
    except KeyboardInterrupt:
        system.log("lab: interrupted; cleaned up")
        return 130
    except system.LabError as e:
        system.log(f"lab: {e}")
        return 1
    print(report.render_json(results) if args.json else report.render_text(results))
    if opts.keep_captures:
        system.log(f"lab: captures kept under {opts.keep_captures}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
