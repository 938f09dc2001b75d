#!/usr/bin/env python3
"""Each example stack's time from `sup run` to every pod Ready (issue 18), with the real Debian servers.

    python3 bench/stacks.py [--sup PATH] [--runs 3] [--only demo,apache,nginx,mariadb,etl,ci-harness]

Each run starts `sup run -f <its supervisor.yaml> --ready-when all-ready` on a fresh state dir with NOTIFY_SOCKET set
to a datagram socket of this script, and times `sup run` → READY=1: systemd's readiness, sent once every pod is Ready
and every workload has its ready replicas (a Job's pods aside). For etl, whose work is a Job, the time is `sup run` →
the Job Complete (`sup wait --for=condition=Complete`); for ci-harness, `sup run --exit-with job/tests` → its exit
(the whole run: the database Ready, the app, the test Job, the stop). The daemon is stopped (SIGTERM) after each run
and the stop's duration is reported too. Medians over --runs; the first run of mariadb includes the data directory's
initialisation (a fresh state dir every run, so every run does)."""
import argparse, os, signal, socket, statistics, subprocess, sys, tempfile, time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from supbench import ROOT, sup_binary  # noqa: E402

STACKS = {
    'demo': os.path.join(ROOT, 'supervisor.yaml'),
    'apache': os.path.join(ROOT, 'examples/apache/supervisor.yaml'),
    'nginx': os.path.join(ROOT, 'examples/nginx/supervisor.yaml'),
    'mariadb': os.path.join(ROOT, 'examples/mariadb/supervisor.yaml'),
    'etl': os.path.join(ROOT, 'examples/etl/supervisor.yaml'),
    'ci-harness': os.path.join(ROOT, 'examples/ci-harness/supervisor.yaml'),
}
ETL_JOB = 'job/etl'


def stop(daemon):
    began = time.monotonic()
    if daemon.poll() is None:
        daemon.send_signal(signal.SIGTERM)
        daemon.wait(90)
    return time.monotonic() - began


def until_ready(sup, manifest, state, notify):
    """sup run → READY=1 on the notify socket, in seconds; then the stop's time."""
    with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as s:
        s.bind(notify)
        s.settimeout(1)
        began = time.monotonic()
        daemon = subprocess.Popen([sup, 'run', '-f', manifest, '--state-dir', state, '--ready-when', 'all-ready'],
                                  env={**os.environ, 'NOTIFY_SOCKET': notify}, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            while time.monotonic() - began < 120:
                if daemon.poll() is not None:
                    raise SystemExit(f'{manifest}: sup run ended with {daemon.returncode} before it was ready')
                try:
                    message = s.recv(4096).decode()
                except socket.timeout:
                    continue
                if 'READY=1' in message.split('\n'):
                    return time.monotonic() - began, stop(daemon)
            raise SystemExit(f'{manifest}: not ready within 120 s')
        finally:
            stop(daemon)


def until_complete(sup, manifest, state, job):
    began = time.monotonic()
    daemon = subprocess.Popen([sup, 'run', '-f', manifest, '--state-dir', state], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        # sup wait waits for the daemon's socket to appear, then for the Job.
        subprocess.run([sup, 'wait', '--for=condition=Complete', job, '--timeout', '120s', '--state-dir', state],
                       check=True, stdout=subprocess.DEVNULL)
        return time.monotonic() - began, stop(daemon)
    finally:
        stop(daemon)


def until_exit(sup, manifest, state):
    began = time.monotonic()
    code = subprocess.run([sup, 'run', '-f', manifest, '--state-dir', state, '--exit-with', 'job/tests', '--timeout', '120s'],
                          stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL).returncode
    if code != 0:
        raise SystemExit(f'{manifest}: sup run --exit-with job/tests exited {code}')
    return time.monotonic() - began, 0.0


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--sup')
    ap.add_argument('--runs', type=int, default=3)
    ap.add_argument('--only', default=','.join(STACKS))
    args = ap.parse_args()
    work = tempfile.mkdtemp(prefix='sup-bench-stacks-')
    sup = sup_binary(args.sup, work)
    print('| Stack | what is timed | median (all runs) | stop (SIGTERM → exit), median |')
    print('|---|---|---|---|')
    for name in args.only.split(','):
        manifest = STACKS[name]
        times, stops = [], []
        for run in range(args.runs):
            state = os.path.join(work, f'{name}-{run}')
            if name == 'etl':
                what, (took, stopped) = f'`sup run` → {ETL_JOB} Complete', until_complete(sup, manifest, state, ETL_JOB)
            elif name == 'ci-harness':
                what, (took, stopped) = '`sup run --exit-with job/tests` → exit 0 (whole run)', until_exit(sup, manifest, state)
            else:
                what, (took, stopped) = '`sup run` → every pod Ready (READY=1)', until_ready(sup, manifest, state, os.path.join(work, f'notify-{name}-{run}'))
            times.append(took)
            stops.append(stopped)
        runs = ', '.join(f'{t:.2f}' for t in times)
        stop_text = f'{statistics.median(stops):.2f} s' if name != 'ci-harness' else '(included)'
        print(f'| {name} | {what} | {statistics.median(times):.2f} s ({runs}) | {stop_text} |', flush=True)


if __name__ == '__main__':
    main()
