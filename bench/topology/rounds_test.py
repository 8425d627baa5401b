#!/usr/bin/python3
"""Unit test of the topology benchmark's arithmetic and options (no root, no network):
round alternation, per-round ratios to the baseline of the same round, medians and
spreads, the table, the PNG, and the command line. ctest: bench_topology_rounds."""

import contextlib
import io
import os
import sys
import tempfile
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

import rounds  # noqa: E402
import run  # noqa: E402

BASE = "linux-bridge"


def figures(tcp1, **more):
    return dict({"tcp1_gbps": tcp1}, **more)


class Schedule(unittest.TestCase):
    def test_rounds_alternate_abc_abc(self):
        order = rounds.schedule(["a", "b", "c"], 3)
        self.assertEqual([n for _, n in order], ["a", "b", "c"] * 3)
        self.assertEqual([r for r, _ in order], [0, 0, 0, 1, 1, 1, 2, 2, 2])

    def test_each_round_has_every_contender_once(self):
        order = rounds.schedule(["x", "y"], 5)
        for r in range(5):
            self.assertEqual(sorted(n for i, n in order if i == r), ["x", "y"])


class Spread(unittest.TestCase):
    def test_median_range_quartiles(self):
        s = rounds.spread([5, 1, 4, 2, 3])
        self.assertEqual(s, {"median": 3, "min": 1, "max": 5, "q1": 2, "q3": 4, "n": 5})

    def test_missing_values_are_left_out(self):
        s = rounds.spread([None, 2.0, None, 4.0])
        self.assertEqual((s["median"], s["min"], s["max"], s["n"]), (3.0, 2.0, 4.0, 2))

    def test_one_value_and_none(self):
        self.assertEqual(rounds.spread([7])["q1"], 7)
        self.assertEqual(rounds.spread([7])["q3"], 7)
        self.assertIsNone(rounds.spread([None, None]))
        self.assertIsNone(rounds.spread([]))


class Ratios(unittest.TestCase):
    # The baseline drifts threefold; the contender is 1.1x of it in every round.
    DRIFT = [{BASE: figures(10.0), "sy": figures(11.0)},
             {BASE: figures(28.0), "sy": figures(30.8)},
             {BASE: figures(12.0), "sy": figures(13.2)}]

    def test_each_round_is_divided_by_the_same_rounds_baseline(self):
        ratios = rounds.round_ratios(self.DRIFT, "sy", "tcp1_gbps", BASE)
        for got in ratios:
            self.assertAlmostEqual(got, 1.1)
        s = rounds.summarize(self.DRIFT, [BASE, "sy"], BASE)["sy"]["tcp1_gbps"]["ratio"]
        self.assertAlmostEqual(s["min"], 1.1)
        self.assertAlmostEqual(s["max"], 1.1)
        self.assertAlmostEqual(s["median"], 1.1)

    def test_missing_failed_or_zero_baseline_gives_no_ratio_for_that_round(self):
        data = [{BASE: figures(10.0), "sy": figures(5.0)},
                {BASE: {"error": "the bridge failed"}, "sy": figures(9.0)},
                {BASE: figures(0.0), "sy": figures(9.0)},
                {BASE: figures(10.0), "sy": {"error": "the daemon exited"}},
                {BASE: figures(10.0)}]
        self.assertEqual(rounds.round_ratios(data, "sy", "tcp1_gbps", BASE),
                         [0.5, None, None, None, None])
        entry = rounds.summarize(data, [BASE, "sy"], BASE)["sy"]["tcp1_gbps"]
        self.assertEqual(entry["ratio"]["n"], 1)
        self.assertEqual(entry["values"], [5.0, 9.0, 9.0, None, None])
        self.assertEqual(entry["absolute"]["median"], 9.0)

    def test_loss_and_cpu_have_no_ratio(self):
        data = [{BASE: figures(1.0, udp_loss_pct=0.0), "sy": figures(1.0, udp_loss_pct=30.0)}]
        summary = rounds.summarize(data, [BASE, "sy"], BASE)
        self.assertNotIn("ratio", summary["sy"]["udp_loss_pct"])
        self.assertNotIn("ratio", summary["sy"]["cpu_idle_pct"])
        self.assertIn("ratio", summary["sy"]["ping_p99_us"])
        self.assertEqual(summary["sy"]["udp_loss_pct"]["absolute"]["median"], 30.0)


class Output(unittest.TestCase):
    def summary(self):
        data = [{BASE: figures(10.0, ping_avg_us=80.0), "sy": figures(12.0, ping_avg_us=96.0)},
                {BASE: figures(20.0, ping_avg_us=100.0), "sy": figures(16.0, ping_avg_us=80.0)}]
        return rounds.summarize(data, [BASE, "sy"], BASE)

    def test_table_shows_median_ratio_and_range(self):
        text = rounds.render(self.summary(), [BASE, "sy"], BASE)
        tcp1 = text.split("TCP 1 stream")[1].split("\n\n")[0]
        sy_row = next(line for line in tcp1.splitlines() if line.strip().startswith("sy "))
        # ratios 1.2 and 0.8: median 1, IQR 0.9-1.1; absolute 12 and 16: median 14
        self.assertEqual(sy_row.split(), ["sy", "14.00", "12.00-16.00", "1.00x", "0.80-1.20",
                                          "0.90-1.10", "-", "2"])
        ping = text.split("ping avg")[1].split("\n\n")[0]
        self.assertIn("lower is better", ping)
        sy_row = next(line for line in ping.splitlines() if line.strip().startswith("sy "))
        self.assertEqual(sy_row.split(), ["sy", "88", "80-96", "1.00x", "0.80-1.20",
                                          "0.90-1.10", "2"])  # 1.2 and 0.8 again

    def test_png_is_written(self):
        import plot
        with tempfile.TemporaryDirectory() as d:
            path = os.path.join(d, "ratios.png")
            plot.write_png(path, self.summary(), [BASE, "sy"], BASE, "test")
            with open(path, "rb") as f:
                head = f.read(8)
            self.assertEqual(head, b"\x89PNG\r\n\x1a\n")
            self.assertGreater(os.path.getsize(path), 10000)


class Scale(unittest.TestCase):
    def test_each_round_is_divided_by_the_same_contenders_figure_with_few_containers(self):
        many = [{"sy": {"tcp1_gbps": 8.0, "ping_avg_us": 100.0}}, {"sy": {"tcp1_gbps": 9.0}}]
        few = [{"sy": {"tcp1_gbps": 10.0, "ping_avg_us": 50.0}}, {"sy": {"tcp1_gbps": 9.0}}]
        out = rounds.scale(many, few, ["sy"])
        self.assertEqual(out["sy"]["tcp1_gbps"]["ratios"], [0.8, 1.0])
        self.assertAlmostEqual(out["sy"]["tcp1_gbps"]["ratio"]["median"], 0.9)
        self.assertEqual(out["sy"]["ping_avg_us"]["ratios"], [2.0, None])
        self.assertIsNone(out["sy"]["udp_kpps"]["ratio"])
        text = rounds.render_scale(out, ["sy"], 50, 2)
        self.assertIn("50 containers attached against 2", text)
        self.assertIn("0.90x (0.80-1.00)", text)

    def test_render_prints_both_sizes_and_the_scale(self):
        report = {"settings": {"round_order": [BASE, "sy"], "rounds": 1, "seconds": 1,
                               "pairs": 1, "containers": 50, "idle_containers": 48,
                               "compare_containers": 2, "load_average_before": 0.1,
                               "load_average_after": 0.2, "cpus": 2},
                  "contenders": [{"name": n, "label": n, "available": True,
                                  "tcp_works_default_offloads": True,
                                  "measured_with": "default offloads"} for n in (BASE, "sy")],
                  "rounds": [{BASE: figures(10.0), "sy": figures(8.0)}],
                  "rounds_compare": [{BASE: figures(10.0), "sy": figures(10.0)}]}
        names = [BASE, "sy"]
        report["summary"] = rounds.summarize(report["rounds"], names, BASE)
        report["summary_compare"] = rounds.summarize(report["rounds_compare"], names, BASE)
        report["scale"] = rounds.scale(report["rounds"], report["rounds_compare"], names)
        text = run.render(report)
        self.assertIn("With 2 containers attached (same rounds):", text)
        self.assertIn("0.80x (0.80-0.80)", text)


class CommandLine(unittest.TestCase):
    def names(self, opts):
        return [c.name for c in opts.contenders]

    def test_baseline_always_included(self):
        opts = run.parse_args(["--switch", "switchyard"])
        self.assertEqual(self.names(opts), [BASE, "switchyard"])
        self.assertEqual((opts.rounds, opts.pairs, opts.containers), (5, 1, 2))

    def test_switch_args_and_variants_reach_every_switchyard_daemon(self):
        opts = run.parse_args(["--switch", "switchyard-userspace", "--switch-arg=--x=1",
                               "--variant", "sy-two=--poll-threads 2"])
        self.assertEqual(self.names(opts), [BASE, "switchyard-userspace", "sy-two"])
        daemons = [c.make(opts) for c in opts.contenders[1:]]
        self.assertEqual(daemons[0].daemon_args, ["--no-kernel-fastpath", "--x=1"])
        self.assertEqual(daemons[1].daemon_args, ["--poll-threads", "2", "--x=1"])

    def test_containers_count_the_pairs(self):
        opts = run.parse_args(["--pairs", "2", "--containers", "50"])
        self.assertEqual(opts.containers, 50)
        self.assertEqual(run.parse_args(["--pairs", "3"]).containers, 6)
        self.assertEqual(run.parse_args(["--containers", "50", "--compare-containers", "2"])
                         .compare_containers, 2)
        for bad in (["--pairs", "2", "--containers", "3"], ["--rounds", "0"],
                    ["--switch", "nope"], ["--variant", "switchyard=--x"],
                    ["--variant", "no-equals-sign"],
                    ["--pairs", "2", "--compare-containers", "3"]):
            with self.assertRaises(SystemExit, msg=bad), \
                    contextlib.redirect_stderr(io.StringIO()):
                run.parse_args(bad)


if __name__ == "__main__":
    unittest.main()
