#!/usr/bin/env python3
"""Probe load (issue 4): N pods whose containers have httpGet liveness and readiness probes every second against one
test HTTP child (tests/TestApp --http), i.e. 2 x pods x containers probes/s (1,000/s by default). Reports the daemon's
CPU% over 30 s (from /proc/PID/stat), the probe rate the HTTP child actually served, and the latency from a liveness
threshold being crossed (the failing response sent, failureThreshold 1) to the new process running (median of K).

    python3 bench/probes.py [--sup PATH] [--testapp PATH] [--pods 100] [--containers 5] [--seconds 30] [--kills 10]
                            [--restarts 20] [--probe http|exec] [--image IMAGE]

--restarts N: kill -9 of N probed containers, one at a time, while the probes go on (kill -> new pid).
--probe exec gives every container exec probes (`true`) instead, run in host containers, or with --image in image
pods of that image (e.g. busybox:1.28, through the engine's namespaces); the rate is then the daemon's own count
(sup_probe_total on /metrics) and its CPU is given with and without the children it reaped (the probe commands).
Without --sup it publishes the NativeAOT binary first; without --testapp it uses tests/TestApp's Debug build."""
from supbench import sup_binary, daemon_id, ROOT
import procfs
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
import argparse, os, signal, socket, statistics, subprocess, sys, tempfile, threading, time, urllib.request

HTTP_PORT = 18300
CLK_TCK = os.sysconf('SC_CLK_TCK')

def free_port():
    with socket.socket() as s:
        s.bind(('127.0.0.1', 0))
        return s.getsockname()[1]

def cpu_ticks(pid, children=False):
    with open(f'/proc/{pid}/stat') as f:
        fields = f.read().rsplit(')', 1)[1].split()
    own = int(fields[11]) + int(fields[12])  # utime + stime
    return own + int(fields[13]) + int(fields[14]) if children else own  # + cutime + cstime (reaped children)

def probes_counted(state):
    """The daemon's own count of probe attempts: the sum of sup_probe_total on /metrics (its Unix socket)."""
    with socket.socket(socket.AF_UNIX) as s:
        s.settimeout(30)
        s.connect(os.path.join(state, 'sup.sock'))
        s.sendall(b'GET /metrics HTTP/1.0\r\nHost: sup\r\n\r\n')
        data = b''
        while chunk := s.recv(65536):
            data += chunk
    return sum(int(float(line.rsplit(' ', 1)[1])) for line in data.decode().splitlines() if line.startswith('sup_probe_total{'))

def served():
    with urllib.request.urlopen(f'http://127.0.0.1:{HTTP_PORT}/stats', timeout=5) as r:
        return int(r.read())

class Victim(BaseHTTPRequestHandler):
    """The victim's /healthz: 200, except one 500 when the bench arms it; records when that 500 went out."""
    armed = threading.Event()
    failed_at = None
    fired = threading.Event()

    def do_GET(self):
        fail = Victim.armed.is_set()
        body = b'unhealthy' if fail else b'ok'
        self.send_response(500 if fail else 200)
        self.send_header('Content-Length', str(len(body)))
        self.send_header('Connection', 'close')
        self.end_headers()
        self.wfile.write(body)
        self.wfile.flush()
        if fail:
            Victim.armed.clear()
            Victim.failed_at = time.perf_counter()
            Victim.fired.set()

    def log_message(self, *args):
        pass

def manifest(work, pods, containers, victim_port, kind, image):
    path = os.path.join(work, 'probes.yaml')
    http = lambda p: (f"{{httpGet: {{host: 127.0.0.1, port: {HTTP_PORT}, path: {p}}}, periodSeconds: 1, "
                      f"timeoutSeconds: 1, failureThreshold: 3}}")
    probe = http if kind == 'http' else lambda p: "{exec: {command: [\"true\"]}, periodSeconds: 1, timeoutSeconds: 1, failureThreshold: 3}"
    run = f"image: {image}\n      command: [\"sleep\", \"3600\"]" if image else "command: [\"sleep\", \"infinity\"]"
    with open(path, 'w') as f:
        for i in range(pods):
            f.write(f"---\napiVersion: v1\nkind: Pod\nmetadata:\n  name: probed-{i}\nspec:\n  containers:\n")
            for c in range(containers):
                f.write(f"    - name: c{c}\n      {run}\n"
                        f"      livenessProbe: {probe('/healthz')}\n      readinessProbe: {probe('/ready')}\n")
        f.write("---\napiVersion: v1\nkind: Pod\nmetadata:\n  name: victim\nspec:\n  containers:\n"
                "    - name: app\n      command: [\"sleep\", \"infinity\"]\n"
                f"      livenessProbe: {{httpGet: {{host: 127.0.0.1, port: {victim_port}, path: /healthz}}, periodSeconds: 1, "
                "failureThreshold: 1, terminationGracePeriodSeconds: 2}\n")
    return path

def owned(prefix):
    """pid -> SUP_OWNER for the measured daemon's live processes."""
    result = {}
    for d in os.listdir('/proc'):
        if not d.isdigit():
            continue
        try:
            with open(f'/proc/{d}/environ', 'rb') as f:
                env = f.read()
            with open(f'/proc/{d}/stat') as f:
                if f.read().rsplit(')', 1)[1].split()[0] == 'Z':
                    continue
        except OSError:
            continue
        for entry in env.split(b'\0'):
            if entry.startswith(b'SUP_OWNER=' + prefix):
                result[int(d)] = entry[10:].decode()
    return result

def victim_pid(prefix):
    for pid, owner in owned(prefix).items():
        if '/victim/' in owner:
            return pid
    return None

def new_victim(daemon, before, mark=b'/victim/'):
    """The victim's new instance among the /proc entries that were not there before: a cheap poll (only new pids
    are read), so the poll does not add to the latency it measures."""
    for d in os.listdir('/proc'):
        if d in before or not d.isdigit():
            continue
        try:
            with open(f'/proc/{d}/stat') as f:
                fields = f.read().rsplit(')', 1)[1].split()
            if int(fields[1]) != daemon or fields[0] == 'Z':
                continue
            with open(f'/proc/{d}/environ', 'rb') as f:
                if mark in f.read():
                    return int(d)
        except OSError:
            continue
    return None

def main():
    global HTTP_PORT
    ap = argparse.ArgumentParser()
    ap.add_argument('--sup')
    ap.add_argument('--testapp', default=os.path.join(ROOT, 'tests/TestApp/bin/Debug/net10.0/testapp'))
    ap.add_argument('--pods', type=int, default=100)
    ap.add_argument('--containers', type=int, default=5)
    ap.add_argument('--seconds', type=float, default=30)
    ap.add_argument('--kills', type=int, default=10)
    ap.add_argument('--restarts', type=int, default=20, help='kill -9 of probed containers under the load (kill -> new pid)')
    ap.add_argument('--probe', choices=['http', 'exec'], default='http')
    ap.add_argument('--image', help='exec probes in image pods of this image (with --probe exec)')
    args = ap.parse_args()
    work = tempfile.mkdtemp(prefix='sup-bench-probes-')
    sup = sup_binary(args.sup, work)
    HTTP_PORT = free_port()
    victim_server = ThreadingHTTPServer(('127.0.0.1', 0), Victim)
    threading.Thread(target=victim_server.serve_forever, daemon=True).start()
    path = manifest(work, args.pods, args.containers, victim_server.server_address[1], args.probe, args.image)
    state = os.path.join(work, 'state')
    prefix = daemon_id(state).encode() + b'/'
    http = subprocess.Popen([args.testapp, '--http', str(HTTP_PORT)], env={**os.environ, 'POD_IP': '127.0.0.1'},
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    daemon = None
    try:
        time.sleep(1)
        daemon = subprocess.Popen([sup, 'run', '-f', path, '--state-dir', state, '--backoff-base', '0'],
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        measure(args, daemon, http, sup, prefix, state)
    finally:
        if daemon is not None and daemon.poll() is None:
            daemon.send_signal(signal.SIGTERM)
            daemon.wait(60)
        http.send_signal(signal.SIGTERM)
        http.wait(10)
        victim_server.shutdown()

def measure(args, daemon, http, sup, prefix, state):
    expected = args.pods * args.containers + 1
    t0 = time.monotonic()
    # image pods' processes are the engine's, not marked as the daemon's: count the host ones, then wait for Running
    while len(owned(prefix)) < (1 if args.image else expected):
        time.sleep(0.05)
        if time.monotonic() - t0 > 120:
            sys.exit('pods did not start')
    if args.image:
        while subprocess.run([sup, 'get', 'pods', '--state-dir', state], capture_output=True, text=True).stdout.count('Running') < args.pods + 1:
            time.sleep(1)
            if time.monotonic() - t0 > 600:
                sys.exit('image pods did not start')
    time.sleep(5)  # every probe worker running
    count = served if args.probe == 'http' else lambda: probes_counted(state)
    n0, d0, c0, h0, t = count(), cpu_ticks(daemon.pid), cpu_ticks(daemon.pid, True), cpu_ticks(http.pid), time.monotonic()
    time.sleep(args.seconds)
    n1, d1, c1, h1, elapsed = count(), cpu_ticks(daemon.pid), cpu_ticks(daemon.pid, True), cpu_ticks(http.pid), time.monotonic() - t
    rate = (n1 - n0 - (1 if args.probe == 'http' else 0)) / elapsed
    daemon_cpu = (d1 - d0) / CLK_TCK / elapsed * 100
    children_cpu = (c1 - c0) / CLK_TCK / elapsed * 100
    http_cpu = (h1 - h0) / CLK_TCK / elapsed * 100
    rss, pss = procfs.memory([daemon.pid])  # the daemon's own memory once it has worked under the probes

    # kill -9 of a probed container -> its new process, while the probes go on (issue 23: restarts under load)
    restarts = []
    probed = sorted(pid for pid, owner in owned(prefix).items() if '/probed-' in owner)
    for k in range(args.restarts if probed else 0):
        before = set(os.listdir('/proc'))
        t = time.perf_counter()
        os.kill(probed[k % len(probed)], signal.SIGKILL)
        while new_victim(daemon.pid, before, b'/probed-') is None:
            if time.perf_counter() - t > 10:
                sys.exit('the killed container was not restarted')
        restarts.append((time.perf_counter() - t) * 1000)
        time.sleep(0.1)

    latencies = []
    for _ in range(args.kills):
        before = set(os.listdir('/proc'))
        Victim.fired.clear()
        Victim.armed.set()
        if not Victim.fired.wait(10):
            sys.exit('the victim was not probed')
        while new_victim(daemon.pid, before) is None:
            if time.perf_counter() - Victim.failed_at > 10:
                sys.exit('the victim was not restarted')
        latencies.append((time.perf_counter() - Victim.failed_at) * 1000)
        time.sleep(1.5)

    t = time.monotonic()
    daemon.send_signal(signal.SIGTERM)
    code = daemon.wait(300)
    stopped = time.monotonic() - t
    print(f"sup: {sup}")
    where = f"image pods ({args.image})" if args.image else "sleep infinity"
    if args.probe == 'http':
        print(f"pods: {args.pods} x {args.containers} containers ({where}), each with an httpGet liveness and "
              f"readiness probe every 1 s against one HTTP child")
        print(f"probes served: {rate:.0f}/s over {elapsed:.0f} s")
        print(f"daemon CPU: {daemon_cpu:.1f}% of one core (HTTP child: {http_cpu:.1f}%)")
        print(f"daemon memory under the probes: RSS {rss:.1f} MiB, PSS {pss:.1f} MiB")
    else:
        print(f"pods: {args.pods} x {args.containers} containers ({where}), each with an exec (`true`) liveness and "
              f"readiness probe every 1 s")
        print(f"probes run: {rate:.0f}/s over {elapsed:.0f} s (sup_probe_total)")
        print(f"daemon CPU: {daemon_cpu:.1f}% of one core; with the children it reaped: {children_cpu:.1f}%")
    if restarts:
        print(f"restart after kill -9 under the probes (kill -> new pid, n={len(restarts)}): "
              f"median {statistics.median(restarts):.1f} ms, max {max(restarts):.1f} ms")
    print(f"liveness failure (500 sent, failureThreshold 1) -> new process running, n={len(latencies)}: "
          f"median {statistics.median(latencies):.1f} ms, max {max(latencies):.1f} ms")
    print(f"SIGTERM -> daemon exit: {stopped:.3f} s, exit code {code}, processes left: {len(owned(prefix))}")

if __name__ == '__main__':
    main()
