#!/usr/bin/env python3
"""Service proxy and rollout benchmarks.

1. Throughput and added latency of a Service's proxy: wrk (keep-alive HTTP, `apt-get install -y wrk`) against the
   test child's keep-alive HTTP server (testapp --http-keepalive), once directly on the pod IP and once through the
   Service (127.0.0.1:PORT), for each forwarding path: the kernel's (nftables DNAT, where the daemon is root and has
   nft) and user space (sup run --service-proxy userspace: the daemon's listener, bytes spliced between the sockets).
   Targets: kernel >= 0.8 of the direct throughput and <= +0.2 ms at p50; user space >= 0.5.
2. How long a 10-replica rolling update takes (default 25%/25%, pods ready when started): from `sup apply` of a
   new template until `sup rollout status` reports success.

    python3 bench/service.py [--sup PATH] [--testapp PATH] [--seconds 10] [--connections 32] [--threads 2]
                             [--paths kernel,userspace] [--no-rollout]
"""
import argparse, json, os, re, signal, socket, subprocess, sys, tempfile, time
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from supbench import ROOT, sup_binary

def free_port():
    s = socket.socket()
    s.bind(('127.0.0.1', 0))
    port = s.getsockname()[1]
    s.close()
    return port

def manifest(testapp, replicas, pod_port, svc_port, version):
    return f"""apiVersion: apps/v1
kind: Deployment
metadata: {{name: web}}
spec:
  replicas: {replicas}
  selector: {{matchLabels: {{app: web}}}}
  template:
    metadata: {{labels: {{app: web}}}}
    spec:
      terminationGracePeriodSeconds: 5
      containers:
        - name: main
          command: ["{testapp}"]
          args: ["--http-keepalive", "{pod_port}", "--print", "{version}"]
---
apiVersion: v1
kind: Service
metadata: {{name: web}}
spec:
  selector: {{app: web}}
  ports: [{{port: {svc_port}, targetPort: {pod_port}}}]
"""

def sup_json(sup, state, *args):
    out = subprocess.run([sup, *args, '-o', 'json', '--state-dir', state], capture_output=True, text=True)
    return json.loads(out.stdout) if out.returncode == 0 and out.stdout.strip() else None

def wait(cond, what, seconds=60):
    deadline = time.time() + seconds
    while not cond():
        if time.time() > deadline:
            raise TimeoutError(what)
        time.sleep(0.05)

def endpoints(sup, state):
    ep = sup_json(sup, state, 'get', 'endpoints', 'web')
    return [a['ip'] for s in (ep or {}).get('subsets') or [] for a in s.get('addresses') or []]

def wrk(url, args):
    out = subprocess.run(['wrk', f'-t{args.threads}', f'-c{args.connections}', f'-d{args.seconds}s', '--latency', url],
                         capture_output=True, text=True, check=True).stdout
    rps = float(re.search(r'Requests/sec:\s+([\d.]+)', out).group(1))
    def ms(text):
        value, unit = re.match(r'([\d.]+)(us|ms|s)', text).groups()
        return float(value) * {'us': 0.001, 'ms': 1, 's': 1000}[unit]
    avg = ms(re.search(r'Latency\s+(\S+)', out).group(1))
    # The distribution lines only ("     50%  387.00us"): the Thread Stats' "+/- Stdev" column ends in % too.
    p50 = ms(re.search(r'^\s+50%\s+(\S+)', out, re.M).group(1))
    p99 = ms(re.search(r'^\s+99%\s+(\S+)', out, re.M).group(1))
    errors = re.search(r'Non-2xx or 3xx responses: (\d+)|Socket errors: (.*)', out)
    return rps, avg, p50, p99, errors.group(0) if errors else 'none'

def run_daemon(sup, work, yaml, extra=()):
    path = os.path.join(work, 'sup.yaml')
    with open(path, 'w') as f:
        f.write(yaml)
    state = os.path.join(work, 'state')
    daemon = subprocess.Popen([sup, 'run', '-f', path, '--state-dir', state, *extra], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return daemon, state, path

def stop(daemon):
    if daemon.poll() is None:
        daemon.send_signal(signal.SIGTERM)
        daemon.wait(60)

def throughput(args, sup, testapp, path):
    """Direct and through the Service, on a daemon that forwards Services by `path` (--service-proxy)."""
    work = tempfile.mkdtemp(prefix='sup-bench-service-')
    pod_port, svc_port = free_port(), free_port()
    daemon, state, _ = run_daemon(sup, work, manifest(testapp, 1, pod_port, svc_port, 'v1'), ['--service-proxy', path])
    try:
        wait(lambda: len(endpoints(sup, state)) == 1, 'one endpoint')
        ip = endpoints(sup, state)[0]
        time.sleep(0.5)
        direct = wrk(f'http://{ip}:{pod_port}/', args)
        proxied = wrk(f'http://127.0.0.1:{svc_port}/', args)
        print(f'{path} path: wrk -t{args.threads} -c{args.connections} -d{args.seconds}s, keep-alive, one pod:')
        print(f'  direct  {direct[0]:>10.0f} req/s  latency avg {direct[1]:.3f} ms  p50 {direct[2]:.3f} ms  p99 {direct[3]:.3f} ms  errors {direct[4]}')
        print(f'  service {proxied[0]:>10.0f} req/s  latency avg {proxied[1]:.3f} ms  p50 {proxied[2]:.3f} ms  p99 {proxied[3]:.3f} ms  errors {proxied[4]}')
        print(f'  ratio   {proxied[0] / direct[0]:.2f} of direct throughput; added latency p50 {proxied[2] - direct[2]:+.3f} ms, avg {proxied[1] - direct[1]:+.3f} ms')
    finally:
        stop(daemon)

def rollout(args, sup, testapp):
    work = tempfile.mkdtemp(prefix='sup-bench-rollout-')
    pod_port, svc_port = free_port(), free_port()
    daemon, state, path = run_daemon(sup, work, manifest(testapp, 10, pod_port, svc_port, 'v1'))
    try:
        wait(lambda: len(endpoints(sup, state)) == 10, 'ten endpoints')
        with open(path, 'w') as f:
            f.write(manifest(testapp, 10, pod_port, svc_port, 'v2'))
        start = time.monotonic()
        subprocess.run([sup, 'apply', '-f', path, '--state-dir', state], check=True, stdout=subprocess.DEVNULL)
        subprocess.run([sup, 'rollout', 'status', 'deployment/web', '--timeout', '120', '--state-dir', state], check=True, stdout=subprocess.DEVNULL)
        took = time.monotonic() - start
        print(f'10-replica rolling update (maxSurge 25%, maxUnavailable 25%, no readiness probe): {took:.2f} s from apply to "successfully rolled out"')
    finally:
        stop(daemon)

def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--sup')
    ap.add_argument('--testapp')
    ap.add_argument('--seconds', type=int, default=10)
    ap.add_argument('--connections', type=int, default=32)
    ap.add_argument('--threads', type=int, default=2)
    ap.add_argument('--paths', default='kernel,userspace', help='forwarding paths to measure (sup run --service-proxy values)')
    ap.add_argument('--no-rollout', action='store_true', help='measure the proxy only')
    args = ap.parse_args()
    work = tempfile.mkdtemp(prefix='sup-bench-')
    sup = sup_binary(args.sup, work)
    testapp = args.testapp
    if not testapp:
        subprocess.run(['dotnet', 'build', os.path.join(ROOT, 'tests/TestApp'), '-c', 'Release'], check=True, stdout=subprocess.DEVNULL)
        testapp = os.path.join(ROOT, 'tests/TestApp/bin/Release/net10.0/testapp')
    for path in args.paths.split(','):
        throughput(args, sup, testapp, path)
    if not args.no_rollout:
        rollout(args, sup, testapp)

if __name__ == '__main__':
    main()
