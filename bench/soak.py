#!/usr/bin/env python3
"""Memory over a long run with probes (issue 23 item 1: "no growth in a 30-minute soak with probes").

    python3 bench/soak.py [--sup PATH] [--pods 100] [--minutes 30] [--sample 15] [--warmup 5]

`sup run` with N pods, each one `sleep infinity` container with httpGet liveness and readiness probes every second
(2N probes/s) against a small HTTP server of this script; one more pod whose readiness flips every 10 s (Ready
condition, endpoint and event churn: 3 Services select it); a CronJob every minute (a Job, its pod and their events
made and, past the history limits, deleted); `sup get pods` every 10 s (the API's allocations). The daemon's RSS and
PSS (its own process: host pods keep no helper process) are sampled every --sample seconds. Reported: the figures at
the end of the warm-up and at the end, the highest, and the least-squares slope after the warm-up in KiB per minute
with the same over the last half (growth that levels off shows as a smaller second slope)."""
import argparse, os, signal, subprocess, sys, tempfile, threading, time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from supbench import sup_binary  # noqa: E402
import procfs  # noqa: E402


class Health(BaseHTTPRequestHandler):
    """200 for every probe, except /flip: ready for 10 s, then not for 10 s."""
    protocol_version = 'HTTP/1.0'

    def do_GET(self):
        ok = self.path != '/flip' or int(time.time() / 10) % 2 == 0
        body = b'ok' if ok else b'not now'
        self.send_response(200 if ok else 503)
        self.send_header('Content-Length', str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


class Quiet(ThreadingHTTPServer):
    """A probe that timed out has closed its connection before the answer: no traceback for that."""

    def handle_error(self, request, client_address):
        if not isinstance(sys.exc_info()[1], (BrokenPipeError, ConnectionResetError)):
            super().handle_error(request, client_address)


def manifest(work, pods, port):
    probe = lambda path: (f"{{httpGet: {{host: 127.0.0.1, port: {port}, path: {path}}}, periodSeconds: 1, "
                          "timeoutSeconds: 1, failureThreshold: 3}")
    path = os.path.join(work, 'soak.yaml')
    with open(path, 'w') as f:
        for i in range(pods):
            f.write(f"---\napiVersion: v1\nkind: Pod\nmetadata:\n  name: probed-{i}\n  labels: {{app: probed}}\nspec:\n"
                    f"  containers:\n    - name: app\n      command: [\"sleep\", \"infinity\"]\n"
                    f"      livenessProbe: {probe('/healthz')}\n      readinessProbe: {probe('/ready')}\n")
        f.write(f"---\napiVersion: v1\nkind: Pod\nmetadata:\n  name: flipper\n  labels: {{app: flipper}}\nspec:\n"
                f"  containers:\n    - name: app\n      command: [\"sleep\", \"infinity\"]\n"
                f"      readinessProbe: {{httpGet: {{host: 127.0.0.1, port: {port}, path: /flip}}, periodSeconds: 1, "
                "failureThreshold: 1}\n")
        for i in range(3):
            f.write(f"---\napiVersion: v1\nkind: Service\nmetadata:\n  name: flip-{i}\nspec:\n  selector: {{app: flipper}}\n"
                    f"  ports: [{{port: {19400 + i}}}]\n")
        f.write("---\napiVersion: batch/v1\nkind: CronJob\nmetadata:\n  name: tick\nspec:\n  schedule: \"* * * * *\"\n"
                "  jobTemplate:\n    spec:\n      template:\n        spec:\n          restartPolicy: Never\n"
                "          containers:\n            - {name: say, command: [\"sh\", \"-c\", \"echo tick; date\"]}\n")
    return path


def slope(points):
    """Least-squares slope of (seconds, KiB) points, in KiB per minute."""
    n = len(points)
    if n < 2:
        return float('nan')
    mx = sum(t for t, _ in points) / n
    my = sum(v for _, v in points) / n
    den = sum((t - mx) ** 2 for t, _ in points)
    return sum((t - mx) * (v - my) for t, v in points) / den * 60 if den else float('nan')


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--sup')
    ap.add_argument('--pods', type=int, default=100)
    ap.add_argument('--minutes', type=float, default=30)
    ap.add_argument('--sample', type=float, default=15)
    ap.add_argument('--warmup', type=float, default=5, help='minutes before the slope is taken')
    args = ap.parse_args()
    work = tempfile.mkdtemp(prefix='sup-bench-soak-')
    sup = sup_binary(args.sup, work)
    server = Quiet(('127.0.0.1', 0), Health)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    path = manifest(work, args.pods, server.server_address[1])
    state = os.path.join(work, 'state')
    daemon = subprocess.Popen([sup, 'run', '-f', path, '--state-dir', state], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    samples = []  # (seconds since start, RSS KiB, PSS KiB)
    gets = 0
    try:
        deadline = time.monotonic() + 120
        while len(procfs.children_of({daemon.pid}, 'sleep')) < args.pods + 1:
            if time.monotonic() > deadline or daemon.poll() is not None:
                sys.exit('pods did not start')
            time.sleep(0.1)
        start = time.monotonic()
        next_get = start
        next_sample = start
        while (now := time.monotonic()) - start < args.minutes * 60:
            if daemon.poll() is not None:
                sys.exit(f'the daemon ended with {daemon.returncode}')
            if now >= next_get:
                subprocess.run([sup, 'get', 'pods', '--state-dir', state], stdout=subprocess.DEVNULL, check=True)
                gets += 1
                next_get += 10
            if now >= next_sample:
                rss, pss = procfs.memory([daemon.pid])
                samples.append((now - start, rss * 1024, pss * 1024))
                print(f"{(now - start) / 60:6.1f} min  RSS {rss:6.1f} MiB  PSS {pss:6.1f} MiB", flush=True)
                next_sample += args.sample
            time.sleep(0.2)
        with open(f'/proc/{daemon.pid}/status') as f:
            threads = next(line.split()[1] for line in f if line.startswith('Threads:'))
    finally:
        daemon.send_signal(signal.SIGTERM)
        daemon.wait(60)
        server.shutdown()
    warm = [s for s in samples if s[0] >= args.warmup * 60]
    half = [s for s in samples if s[0] >= (args.warmup * 60 + args.minutes * 60) / 2]
    first, last = warm[0], samples[-1]
    top = max(samples, key=lambda s: s[1])
    print(f"\n{args.pods} probed pods ({2 * args.pods + 1} probes/s), {args.minutes:g} min, {gets} `sup get pods`, "
          f"{threads} threads at the end")
    print(f"RSS at {first[0] / 60:.1f} min {first[1] / 1024:.1f} MiB, at the end {last[1] / 1024:.1f} MiB, "
          f"highest {top[1] / 1024:.1f} MiB at {top[0] / 60:.1f} min")
    print(f"PSS at {first[0] / 60:.1f} min {first[2] / 1024:.1f} MiB, at the end {last[2] / 1024:.1f} MiB")
    print(f"RSS slope after the warm-up {slope([(t, r) for t, r, _ in warm]):+.1f} KiB/min, "
          f"over the last half {slope([(t, r) for t, r, _ in half]):+.1f} KiB/min")


if __name__ == '__main__':
    main()
