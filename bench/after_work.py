#!/usr/bin/env python3
"""What a settled daemon maps back when it works, and what the first restart pays for it: an A/B of sup builds.

    python3 bench/after_work.py --sup PATH [--sup PATH ...] [--pods 100] [--runs 3]

For each run and each build in turn (alternated, so that this machine's drift falls on every build alike), peers.py's
session with --pods `sleep infinity` children, settled 5 s; then the daemon's resident KiB per mapping
(/proc/PID/smaps) before and after one kill -9 and after 19 more, each change of 256 KiB or more printed; and each of
the 20 restart latencies (kill -9 -> a new child, peers.py's measure), the first (which faults back what start-up gave
back) apart from the others. peers.py's "after the 20 restarts" memory figure is the sum of what this shows.
"""
import argparse, os, statistics, sys, time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import peers  # noqa: E402


def mappings(pid):
    """{(address range, perms, file name): resident KiB} of /proc/PID/smaps."""
    out, current = {}, None
    with open(f'/proc/{pid}/smaps') as f:
        for line in f:
            head = line.split(None, 5)
            if len(head) >= 5 and '-' in head[0] and not head[0].endswith(':'):
                current = (head[0], head[1], os.path.basename(head[5].strip()) if len(head) > 5 else '')
            elif line.startswith('Rss:'):
                out[current] = int(line.split()[1])
    return out


def changes(label, before, after):
    print(f'  {label}: {sum(after.values()) - sum(before.values()):+d} KiB', flush=True)
    for key, kib in after.items():
        if abs(kib - before.get(key, 0)) >= 256:
            print(f'    {key[2] or "(anonymous)"} {key[1]} {key[0]}: {before.get(key, 0)} -> {kib} KiB', flush=True)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--sup', action='append', required=True, help='a published sup (NativeAOT); repeat for an A/B')
    ap.add_argument('--pods', type=int, default=100)
    ap.add_argument('--runs', type=int, default=3)
    args = ap.parse_args()
    for run in range(args.runs):
        for sup in args.sup:
            def body(peer, started):
                time.sleep(5)
                root = peer.root_pid()
                settled = mappings(root)
                first = peers.restart_latencies(peer, 1)
                time.sleep(2)
                once = mappings(root)
                rest = peers.restart_latencies(peer, 19)
                time.sleep(3)
                return settled, once, mappings(root), first + rest

            print(f'run {run + 1}/{args.runs}: {sup}', flush=True)
            settled, once, twenty, latencies = peers.session(lambda w: peers.Sup(w, sup, 0), args.pods, body)
            print(f'  settled: {sum(settled.values())} KiB resident', flush=True)
            changes('after 1 restart', settled, once)
            changes('after 19 more', once, twenty)
            print(f'  restart latency: first {latencies[0]:.1f} ms; the other 19 median {statistics.median(latencies[1:]):.1f}, '
                  f'max {max(latencies[1:]):.1f} ms', flush=True)


if __name__ == '__main__':
    main()
