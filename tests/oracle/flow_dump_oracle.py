#!/usr/bin/python3
"""dump-flows oracle: our dump-flows lines against a real Open vSwitch's.

Starts a private ovsdb-server and ovs-vswitchd (own directory, sockets and pid files; the
dummy datapath, so no kernel device is created), adds a corpus of flows with
`ovs-ofctl -O OpenFlow13 add-flows`, and compares every line of
`ovs-ofctl -O OpenFlow13 dump-flows` (with and without --no-stats) with the line our
formatter prints for the same flow string (given the duration OVS reports). Flows are told
apart by their unique cookie. The daemons are stopped by PID whatever happens.

The corpus uses actions whose spelling ovs-ofctl keeps (see flow_syntax_oracle.py for the
ones it re-spells, such as mod_nw_dst -> set_field:..->ip_dst).
Usage: flow_dump_oracle.py --tool PATH [-v]
"""

import argparse
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time

FLOWS = [
    "actions=drop",
    "priority=0,actions=NORMAL",
    "priority=100,tcp,nw_dst=10.0.0.1,idle_timeout=1000,actions=output:1",
    "table=1,priority=5,hard_timeout=2000,ip,nw_src=10.0.0.0/255.255.0.0,actions=resubmit(,2),dec_ttl,goto_table:3",
    "table=1,send_flow_rem,dl_vlan=5,actions=pop_vlan,write_actions(output:3),write_metadata:0x5/0xff",
    "tcp,tcp_flags=+syn-ack,actions=CONTROLLER:100,load:0x5->NXM_NX_REG0[0..3],move:NXM_NX_REG0[0..15]->NXM_NX_REG1[16..31]",
    "table=7,check_overlap,priority=9,udp6,ipv6_dst=2001:db8::/32,tp_dst=53,actions=FLOOD",
    "reset_counts,arp,arp_op=1,arp_tpa=10.0.0.0/24,actions=ALL",
    "idle_timeout=3000,hard_timeout=4000,send_flow_rem,in_port=3,dl_src=00:11:22:33:44:55/ff:ff:ff:00:00:00,actions=IN_PORT",
    "priority=65535,icmp,icmp_type=8,icmp_code=0,actions=LOCAL",
    "table=200,reg0=0x5/0xff,metadata=0x10,tun_id=0x7,actions=resubmit:2,resubmit(1,3)",
    "vlan_tci=0x1000/0x1000,dl_vlan_pcp=3,actions=push_vlan:0x88a8,output:2",
    "ip,nw_tos=8,nw_ecn=1,nw_ttl=64,nw_frag=later,actions=clear_actions",
    "tcp6,tp_src=0x50/0xfff0,actions=set_field:0x1->reg3,output:4",
    "sctp,tp_dst=9,actions=write_actions(output:1),goto_table:1",
    "ipv6,ipv6_label=0x12345,nw_ttl=1,actions=CONTROLLER:65535",
    "ip,nw_dst=10.0.0.0/255.0.255.0,actions=set_field:5->tun_id",
]


def run(cmd, **kw):
    return subprocess.run(cmd, capture_output=True, text=True, **kw)


class PrivateOvs:
    def __init__(self):
        self.dir = tempfile.mkdtemp(prefix="sy-flowdump-")
        self.pids = []
        self.env = dict(os.environ, OVS_RUNDIR=self.dir, OVS_LOGDIR=self.dir, OVS_DBDIR=self.dir)

    def start(self):
        d = self.dir
        run(["ovsdb-tool", "create", d + "/conf.db", "/usr/share/openvswitch/vswitch.ovsschema"],
            check=True)
        run(["ovsdb-server", d + "/conf.db", "--remote=punix:" + d + "/db.sock",
             "--pidfile=" + d + "/ovsdb.pid", "--unixctl=" + d + "/ovsdb.ctl",
             "--log-file=" + d + "/ovsdb.log", "--detach", "--no-chdir"], env=self.env, check=True)
        self.pids.append(int(open(d + "/ovsdb.pid").read()))
        run(["ovs-vswitchd", "unix:" + d + "/db.sock", "--enable-dummy", "--disable-system",
             "--pidfile=" + d + "/vswitchd.pid", "--unixctl=" + d + "/vswitchd.ctl",
             "--log-file=" + d + "/vswitchd.log", "--detach", "--no-chdir"], env=self.env, check=True)
        self.pids.append(int(open(d + "/vswitchd.pid").read()))
        run(["ovs-vsctl", "--db=unix:" + d + "/db.sock", "add-br", "br0", "--", "set", "bridge",
             "br0", "datapath_type=dummy"], env=self.env, check=True)
        self.mgmt = "unix:" + d + "/br0.mgmt"
        for _ in range(100):
            if os.path.exists(d + "/br0.mgmt"):
                return
            time.sleep(0.05)
        raise RuntimeError("br0.mgmt never appeared")

    def stop(self):
        for pid in reversed(self.pids):
            try:
                os.kill(pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
        for pid in self.pids:
            for _ in range(100):
                try:
                    os.kill(pid, 0)
                except ProcessLookupError:
                    break
                time.sleep(0.02)
        shutil.rmtree(self.dir, ignore_errors=True)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--tool", required=True)
    ap.add_argument("-v", action="store_true")
    args = ap.parse_args()

    flows = ["cookie=%#x,%s" % (0x100 + i, f) for i, f in enumerate(FLOWS)]
    failures = []
    ovs = PrivateOvs()
    try:
        ovs.start()
        of = ["ovs-ofctl", "-O", "OpenFlow13"]
        run(of + ["del-flows", ovs.mgmt], check=True)
        path = ovs.dir + "/flows.txt"
        with open(path, "w") as f:
            f.write("\n".join(flows) + "\n")
        p = run(of + ["add-flows", ovs.mgmt, path])
        if p.returncode != 0:
            print("add-flows failed:", p.stderr)
            return 1
        for stats in (False, True):
            p = run(of + ["dump-flows", ovs.mgmt] + ([] if stats else ["--no-stats"]), check=True)
            lines = [l for l in p.stdout.splitlines() if not l.startswith("OFPST_FLOW")]
            by_cookie = {}
            for l in lines:
                m = re.search(r"cookie=(0x[0-9a-f]+)", l)
                by_cookie[int(m.group(1), 16) if m else 0] = l
            inputs = []
            for i, flow in enumerate(flows):
                line = by_cookie.get(0x100 + i)
                if line is None:
                    failures.append("%s: not in ovs-ofctl's dump" % flow)
                    inputs.append("0\t" + flow)
                    continue
                d = re.search(r"duration=(\d+)(?:\.(\d+))?s", line) if stats else None
                ns = int(d.group(1)) * 10**9 + int((d.group(2) or "0").ljust(9, "0")) if d else 0
                inputs.append("%d\t%s" % (ns, flow))
            p = run([args.tool, "--dump" if stats else "--dump-no-stats"],
                    input="\n".join(inputs) + "\n", check=True)
            ours = p.stdout.splitlines()
            for i, (flow, mine) in enumerate(zip(flows, ours)):
                theirs = by_cookie.get(0x100 + i)
                if theirs is None:
                    continue
                if mine != theirs:
                    failures.append("%s (%s):\n   ours %r\n   ovs  %r"
                                    % (flow, "stats" if stats else "no-stats", mine, theirs))
                elif args.v:
                    print("same:", mine)
    finally:
        ovs.stop()
    print("flow dump oracle: %d flows, dump-flows with and without --no-stats" % len(flows))
    for f in failures:
        print("FAIL", f)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
