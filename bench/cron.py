#!/usr/bin/env python3
"""CronJob firing lateness and Job step-to-step handoff latency (issue 6).

    python3 bench/cron.py [--sup PATH] [--cronjobs 20] [--ticks 1] [--steps 20] [--runs 3]

Firing: --cronjobs CronJobs with schedule "* * * * *" all fire at the same minute boundaries, --ticks times.
Two latenesses per fire, both measured from the scheduled instant (the minute boundary):
  - created: when the controller created the Job (the daemon logs "... N ms after the tick" for each fire);
  - started: when the Job's container process started (it writes `date +%s.%N` to a file as its first act).
Handoff: a Job whose --steps steps (init containers, then one container) each record their start and, just before
exiting, their end; handoff = start of step N+1 − end of step N (exit, reap, status, start of the next process).

Without --sup it publishes the NativeAOT binary first."""
from supbench import sup_binary
import argparse, glob, os, re, signal, statistics, subprocess, sys, tempfile, time

def pct(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]

def summary(name, values):
    ms = [v * 1000 for v in values]
    return f"{name}: n={len(ms)} p50={pct(ms, 50):.1f} ms p99={pct(ms, 99):.1f} ms max={max(ms):.1f} ms"

def cron_manifest(path, count, marks):
    with open(path, 'w') as f:
        for i in range(count):
            f.write(f"""---
apiVersion: batch/v1
kind: CronJob
metadata: {{name: fire-{i}}}
spec:
  schedule: "* * * * *"
  timeZone: Etc/UTC
  successfulJobsHistoryLimit: 1
  jobTemplate:
    spec:
      template:
        spec:
          restartPolicy: Never
          containers:
          - name: run
            command: ["sh", "-c", "date +%s.%N >> {marks}/fire-{i}"]
""")

def steps_manifest(path, steps, marks, run):
    with open(path, 'w') as f:
        f.write(f"""apiVersion: batch/v1
kind: Job
metadata: {{name: handoff-{run}}}
spec:
  template:
    spec:
      restartPolicy: Never
      initContainers:
""")
        for s in range(steps):
            if s == steps - 1:
                f.write("      containers:\n")
            f.write(f"""      - name: step-{s}
        command: ["sh", "-c", "date +%s.%N > {marks}/{run}-start-{s}; date +%s.%N > {marks}/{run}-end-{s}"]
""")

def run_daemon(sup, manifest, state, log):
    return subprocess.Popen([sup, 'run', '-f', manifest, '--state-dir', state], stdout=log, stderr=subprocess.STDOUT)

def stop(daemon):
    daemon.send_signal(signal.SIGTERM)
    daemon.wait(timeout=60)

def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--sup')
    ap.add_argument('--cronjobs', type=int, default=20)
    ap.add_argument('--ticks', type=int, default=1)
    ap.add_argument('--steps', type=int, default=20)
    ap.add_argument('--runs', type=int, default=3)
    args = ap.parse_args()
    work = tempfile.mkdtemp(prefix='sup-bench-cron-')
    sup = sup_binary(args.sup, work)

    # --- firing lateness
    marks = os.path.join(work, 'fires')
    os.makedirs(marks)
    manifest = os.path.join(work, 'cron.yaml')
    cron_manifest(manifest, args.cronjobs, marks)
    log_path = os.path.join(work, 'cron.log')
    with open(log_path, 'w') as log:
        daemon = run_daemon(sup, manifest, os.path.join(work, 'state-cron'), log)
        try:
            first = (int(time.time()) // 60 + 1) * 60
            end = first + 60 * (args.ticks - 1) + 10
            print(f"waiting for {args.ticks} tick(s) of {args.cronjobs} CronJobs (until {time.strftime('%H:%M:%S', time.gmtime(end))} UTC)", file=sys.stderr)
            while time.time() < end:
                time.sleep(1)
        finally:
            stop(daemon)
    created = [float(m) / 1000 for m in re.findall(r'fired \S+ for \S+, ([0-9.]+) ms after the tick', open(log_path).read())]
    started = []
    for path in glob.glob(os.path.join(marks, 'fire-*')):
        for line in open(path):
            t = float(line)
            started.append(t - (int(t) // 60) * 60)
    print(summary('cron fire: Job created after the tick', created))
    print(summary('cron fire: first container started after the tick', started))

    # --- step handoff
    handoffs = []
    for run in range(args.runs):
        hmarks = os.path.join(work, f'handoff-{run}')
        os.makedirs(hmarks)
        manifest = os.path.join(work, f'steps-{run}.yaml')
        steps_manifest(manifest, args.steps, hmarks, run)
        state = os.path.join(work, f'state-steps-{run}')
        with open(os.path.join(work, f'steps-{run}.log'), 'w') as log:
            daemon = run_daemon(sup, manifest, state, log)
            try:
                deadline = time.monotonic() + 60
                while not os.path.exists(os.path.join(state, 'sup.sock')):
                    if time.monotonic() > deadline or daemon.poll() is not None:
                        sys.exit('the daemon did not start')
                    time.sleep(0.05)
                subprocess.run([sup, 'wait', '--for=condition=Complete', f'job/handoff-{run}', '--timeout', '120s', '--state-dir', state],
                               check=True, stdout=subprocess.DEVNULL)
            finally:
                stop(daemon)
        for s in range(args.steps - 1):
            end = float(open(os.path.join(hmarks, f'{run}-end-{s}')).read())
            start = float(open(os.path.join(hmarks, f'{run}-start-{s + 1}')).read())
            handoffs.append(start - end)
    print(summary('job step handoff (step N exit -> step N+1 start)', handoffs))

if __name__ == '__main__':
    main()
