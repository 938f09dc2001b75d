#!/usr/bin/env python3
"""Where the daemon's memory goes: RSS/PSS of `sup run` with N sleep pods and the /proc/PID/smaps breakdown
(anonymous memory: GC heap, native heap, stacks; the executable image; each shared library).

    python3 bench/memory.py [--sup PATH] [--pods 100] [--env NAME=VALUE]... [--after-get 0]

--env sets a variable for the daemon only (e.g. DOTNET_GCgen0size=0x400000) to try runtime settings without
rebuilding; --after-get N runs `sup get pods` N times before measuring (the API's own allocations)."""
import argparse, os, signal, subprocess, sys, tempfile, time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from supbench import sup_binary, sleep_pods  # noqa: E402
import procfs  # noqa: E402


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--sup')
    ap.add_argument('--pods', type=int, default=100)
    ap.add_argument('--env', action='append', default=[])
    ap.add_argument('--after-get', type=int, default=0)
    ap.add_argument('--settle', type=float, default=3)
    args = ap.parse_args()
    work = tempfile.mkdtemp(prefix='sup-bench-mem-')
    sup = sup_binary(args.sup, work)
    manifest = sleep_pods(work, args.pods)
    state = os.path.join(work, 'state')
    env = dict(os.environ)
    for e in args.env:
        k, v = e.split('=', 1)
        env[k] = v
    daemon = subprocess.Popen([sup, 'run', '-f', manifest, '--state-dir', state], env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 60
        while len(procfs.children_of({daemon.pid}, 'sleep')) < args.pods:
            if time.monotonic() > deadline:
                sys.exit('pods did not start')
            time.sleep(0.01)
        for _ in range(args.after_get):
            subprocess.run([sup, 'get', 'pods', '--state-dir', state], stdout=subprocess.DEVNULL, check=True)
        time.sleep(args.settle)
        rss, pss = procfs.memory([daemon.pid])
        print(f"{' '.join(args.env) or '(defaults)'}: {args.pods} pods: RSS {rss:.1f} MiB, PSS {pss:.1f} MiB")
        groups = procfs.smaps_breakdown(daemon.pid)
        for k, v in sorted(groups.items(), key=lambda kv: -kv[1][0]):
            if v[0] >= 256:
                print(f"  {v[0] / 1024:7.1f} MiB RSS {v[1] / 1024:7.1f} PSS {v[2] / 1024:7.1f} private dirty  {k}")
    finally:
        daemon.send_signal(signal.SIGTERM)
        daemon.wait(60)


if __name__ == '__main__':
    main()
