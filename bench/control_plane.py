#!/usr/bin/env python3
"""Control-plane measurements (issue 3): wall time of `sup get pods` (and -o json, ps) against a daemon running N
sleep pods, and the daemon's memory with them.

    python3 bench/control_plane.py [--sup PATH] [--pods 100] [--runs 30]

Without --sup it publishes the NativeAOT binary first. Each command is run --runs times; the median and p90 of
their wall times are reported (process start to exit, as a user sees it)."""
from supbench import sup_binary, sleep_pods
import argparse, os, signal, statistics, subprocess, sys, tempfile, time

def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--sup')
    ap.add_argument('--pods', type=int, default=100)
    ap.add_argument('--runs', type=int, default=30)
    args = ap.parse_args()
    work = tempfile.mkdtemp(prefix='sup-bench-cp-')
    sup = sup_binary(args.sup, work)
    manifest = sleep_pods(work, args.pods)
    state = os.path.join(work, 'state')
    daemon = subprocess.Popen([sup, 'run', '-f', manifest, '--state-dir', state], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 60
        while True:
            out = subprocess.run([sup, 'get', 'pods', '--state-dir', state], capture_output=True, text=True).stdout
            if out.count(' Running ') >= args.pods:
                break
            if time.monotonic() > deadline:
                sys.exit('pods did not all start')
            time.sleep(0.2)
        time.sleep(2)
        print(f"sup: {sup}\npods: {args.pods}")
        for label, cmd in [('sup get pods', ['get', 'pods']), ('sup get pods -o json', ['get', 'pods', '-o', 'json']),
                           ('sup ps', ['ps']), ('sup version (no daemon call)', ['version'])]:
            times = []
            for _ in range(args.runs):
                t = time.perf_counter()
                subprocess.run([sup, *cmd, '--state-dir', state], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
                times.append((time.perf_counter() - t) * 1000)
            times.sort()
            print(f"{label}: median {statistics.median(times):.1f} ms, p90 {times[int(len(times) * 0.9) - 1]:.1f} ms (n={len(times)})")
        rss = pss = 0
        with open(f'/proc/{daemon.pid}/smaps_rollup') as f:
            for line in f:
                if line.startswith('Rss:'): rss = int(line.split()[1]) / 1024
                if line.startswith('Pss:'): pss = int(line.split()[1]) / 1024
        print(f"daemon memory with {args.pods} pods, after the commands: RSS {rss:.1f} MiB, PSS {pss:.1f} MiB")
    finally:
        daemon.send_signal(signal.SIGTERM)
        daemon.wait(60)

if __name__ == '__main__':
    main()
