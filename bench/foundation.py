#!/usr/bin/env python3
"""Foundation measurements of `sup run` (issue 2): time from start to N pods running, the daemon's RSS/PSS with
N sleep-like pods, and the first-restart latency after kill -9 of a container (kill -> new pid, median of 20).

    python3 bench/foundation.py [--sup PATH] [--pods 100] [--kills 20]

Without --sup it publishes the NativeAOT binary first (dotnet publish src/MiniKube.Sup.Cli -c Release).
Timings poll /proc every 0.5 ms; memory comes from /proc/PID/smaps_rollup."""
from supbench import sup_binary, sleep_pods, daemon_id
import argparse, os, signal, statistics, subprocess, sys, tempfile, time

PREFIX = b''

def owners():
    """pid -> container (SUP_OWNER less its instance) for every process of the measured daemon: its marks start
    with its state dir's id, so other sup daemons on the machine do not count."""
    result = {}
    for d in os.listdir('/proc'):
        if not d.isdigit():
            continue
        try:
            with open(f'/proc/{d}/environ', 'rb') as f:
                env = f.read()
            with open(f'/proc/{d}/stat') as f:
                state = f.read().rsplit(')', 1)[1].split()[0]
        except OSError:
            continue
        if state == 'Z':
            continue
        for entry in env.split(b'\0'):
            if entry.startswith(b'SUP_OWNER=' + PREFIX):
                # daemon/pod/uid/container/instance: a container is the token less its instance number
                result[int(d)] = entry[10:].decode().rsplit('/', 1)[0]
    return result

def parent_of(pid):
    try:
        with open(f'/proc/{pid}/stat') as f:
            fields = f.read().rsplit(')', 1)[1].split()
    except OSError:
        return None, None
    return int(fields[1]), fields[0]

def children(daemon):
    return [int(p) for p in os.listdir('/proc') if p.isdigit() and parent_of(p) [0] == daemon and parent_of(p)[1] != 'Z']

def new_children(daemon, before):
    return [int(p) for p in os.listdir('/proc') if p.isdigit() and p not in before and parent_of(p)[0] == daemon]

def memory(pid):
    rss = pss = 0
    with open(f'/proc/{pid}/smaps_rollup') as f:
        for line in f:
            if line.startswith('Rss:'):
                rss = int(line.split()[1])
            elif line.startswith('Pss:'):
                pss = int(line.split()[1])
    return rss / 1024, pss / 1024

def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--sup')
    ap.add_argument('--pods', type=int, default=100)
    ap.add_argument('--kills', type=int, default=20)
    args = ap.parse_args()
    work = tempfile.mkdtemp(prefix='sup-bench-')
    sup = sup_binary(args.sup, work)
    manifest = sleep_pods(work, args.pods)
    state = os.path.join(work, 'state')
    global PREFIX
    PREFIX = daemon_id(state).encode() + b'/'
    t0 = time.monotonic()
    daemon = subprocess.Popen([sup, 'run', '-f', manifest, '--state-dir', state, '--backoff-base', '0'],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        measure(args, daemon, sup, t0)
    finally:
        if daemon.poll() is None:
            daemon.send_signal(signal.SIGTERM)
            daemon.wait(60)

def measure(args, daemon, sup, t0):
    while len(owners()) < args.pods:
        time.sleep(0.0005)
        if time.monotonic() - t0 > 60:
            sys.exit('pods did not start')
    started = time.monotonic() - t0
    time.sleep(3)
    rss, pss = memory(daemon.pid)

    latencies = []
    for k in range(args.kills):
        victims = sorted(children(daemon.pid))
        victim = victims[k % len(victims)]
        before = set(os.listdir('/proc'))
        t = time.perf_counter()
        os.kill(victim, signal.SIGKILL)
        # The replacement is a new child of the daemon among the /proc entries that were not there before the
        # kill: looking only at new pids keeps the poll cheap (well under a millisecond), so it does not hide
        # the latency (and it does not care about pid wrap-around).
        while not new_children(daemon.pid, before):
            if time.perf_counter() - t > 10:
                sys.exit('the killed container was not restarted')
        latencies.append((time.perf_counter() - t) * 1000)
        time.sleep(0.1)

    t = time.monotonic()
    daemon.send_signal(signal.SIGTERM)
    code = daemon.wait(60)
    stopped = time.monotonic() - t
    left = len(owners())
    print(f"sup: {sup}")
    print(f"pods: {args.pods} (sleep infinity)")
    print(f"start -> {args.pods} running: {started:.3f} s")
    print(f"daemon memory with {args.pods} pods: RSS {rss:.1f} MiB, PSS {pss:.1f} MiB")
    print(f"restart after kill -9 (kill -> new pid, n={len(latencies)}): median {statistics.median(latencies):.1f} ms, "
          f"max {max(latencies):.1f} ms")
    print(f"SIGTERM -> daemon exit: {stopped:.3f} s, exit code {code}, processes left: {left}")

if __name__ == '__main__':
    main()
