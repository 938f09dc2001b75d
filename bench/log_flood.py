#!/usr/bin/env python3
"""The daemon's memory while a container writes without ever ending a line: one pod running
`tr '\\000' a </dev/zero` (NUL bytes turned into 'a', no newline), or a progress bar that only redraws with '\\r'
(`yes 45% | tr '\\n' '\\r'`), for N seconds; the daemon's VmRSS (/proc/PID/status) sampled every second.

    python3 bench/log_flood.py [--sup PATH] [--seconds 10] [--flood nul|cr|both] [--console devnull|pipe]

--console pipe gives the daemon's stdout (where every container line is echoed) to a reader, as a terminal or
journald would, instead of /dev/null."""
import argparse, os, shutil, signal, subprocess, sys, tempfile, time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from supbench import sup_binary  # noqa: E402

FLOODS = {
    'nul': "tr '\\\\000' a </dev/zero",
    'cr': "yes 45% | tr '\\\\n' '\\\\r'",
}


def vm_rss_mib(pid):
    with open(f'/proc/{pid}/status') as f:
        for line in f:
            if line.startswith('VmRSS:'):
                return int(line.split()[1]) / 1024
    return 0.0


def du_mib(path):
    total = 0
    for root, _, files in os.walk(path):
        total += sum(os.path.getsize(os.path.join(root, f)) for f in files)
    return total / (1 << 20)


def run(sup, work, name, seconds, console):
    manifest = os.path.join(work, f'{name}.yaml')
    with open(manifest, 'w') as f:
        f.write("apiVersion: v1\nkind: Pod\nmetadata:\n  name: flood\nspec:\n  terminationGracePeriodSeconds: 2\n"
                f"  containers:\n    - name: app\n      command: [\"sh\", \"-c\", \"{FLOODS[name]}\"]\n")
    state = os.path.join(work, f'state-{name}')
    stdout = subprocess.PIPE if console == 'pipe' else subprocess.DEVNULL
    daemon = subprocess.Popen([sup, 'run', '-f', manifest, '--state-dir', state], stdout=stdout, stderr=subprocess.DEVNULL)
    reader = subprocess.Popen(['cat'], stdin=daemon.stdout, stdout=subprocess.DEVNULL) if console == 'pipe' else None
    try:
        logs = os.path.join(state, 'logs', 'flood', 'app')
        deadline = time.monotonic() + 30
        while not os.path.isdir(logs):
            if time.monotonic() > deadline:
                sys.exit('the flood pod did not start')
            time.sleep(0.05)
        samples = [vm_rss_mib(daemon.pid)]
        for _ in range(seconds):
            time.sleep(1)
            samples.append(vm_rss_mib(daemon.pid))
            if samples[-1] > 6000:
                break  # stop before the machine runs out of memory
        print(f"{name} flood, console {console}: VmRSS MiB at start {samples[0]:.0f}, each second: "
              f"{' '.join(f'{s:.0f}' for s in samples[1:])}; max {max(samples):.0f}; log files {du_mib(logs):.0f} MiB")
    finally:
        daemon.send_signal(signal.SIGTERM)
        daemon.wait(60)
        if reader:
            reader.wait(10)
        shutil.rmtree(state, ignore_errors=True)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--sup')
    ap.add_argument('--seconds', type=int, default=10)
    ap.add_argument('--flood', choices=['nul', 'cr', 'both'], default='both')
    ap.add_argument('--console', choices=['devnull', 'pipe'], default='devnull')
    args = ap.parse_args()
    work = tempfile.mkdtemp(prefix='sup-bench-flood-')
    sup = sup_binary(args.sup, work)
    for name in (['nul', 'cr'] if args.flood == 'both' else [args.flood]):
        run(sup, work, name, args.seconds, args.console)


if __name__ == '__main__':
    main()
