#!/usr/bin/env python3
"""Image pods under each engine against host pods and against the engines' own tools (issue 15), one run, side by side:

  - apply -> Ready of one pod (busybox httpd on 8080 behind an httpGet readiness probe), host pod vs image pod under
    podman and docker; `podman kube play` of the same pod (with a hostPort, until it answers there); docker compose
    of the equivalent service where a compose with `up --wait` installs;
  - restart after kill -9 of the container's process (sup with --backoff-base 0, so the mechanism is measured, not
    Kubernetes' 10 s back-off) against `podman run --restart=always` and `docker run --restart=always`;
  - one exec in a running container: nsenter into its namespaces (the daemon's exec probe) vs `podman exec` and
    `docker exec`;
  - daemon memory with N image pods: the daemon's PSS and the helpers it keeps (one attach process per container).

    python3 bench/engines.py [--sup PATH] [--runs 5] [--pods 50] [--engines podman,docker]

Needs the test images for each engine (tests/images/build.sh podman|docker), and for docker a running dockerd
(DOCKER_HOST; tests/images/start-dockerd.sh starts one)."""
import argparse, json, os, shutil, signal, statistics, subprocess, sys, tempfile, time, urllib.request
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from supbench import ROOT, sup_binary

SERVER = 'mkdir -p /tmp/www && echo ok > /tmp/www/index.html && exec busybox httpd -f -p {bind}8080 -h /tmp/www'
IMAGE = """apiVersion: v1
kind: Pod
metadata: {{name: {name}}}
spec:
  terminationGracePeriodSeconds: 1
  containers:
    - name: app
      image: busybox:1.28
      command: ["sh", "-c", "{server}"]
      ports: [{{containerPort: 8080{host_port}}}]
      readinessProbe: {{httpGet: {{path: /, port: 8080}}, periodSeconds: 1}}
"""
HOST = """apiVersion: v1
kind: Pod
metadata: {{name: {name}}}
spec:
  terminationGracePeriodSeconds: 1
  containers:
    - name: app
      command: ["sh", "-c", "{server}"]
      readinessProbe: {{httpGet: {{path: /, port: 8080}}, periodSeconds: 1}}
"""

def run(args, check=True, **kw):
    return subprocess.run(args, check=check, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, **kw)

def median_ms(times):
    return f'median {statistics.median(times) * 1000:.0f} ms (min {min(times) * 1000:.0f}, max {max(times) * 1000:.0f}, n={len(times)})'

def until(check, seconds=60):
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        try:
            if check(): return
        except Exception:
            pass
        time.sleep(0.005)
    raise TimeoutError('condition not met')

def answers(url):
    with urllib.request.urlopen(url, timeout=1) as r:
        return r.status == 200

class Daemon:
    def __init__(self, sup, work, engine):
        self.sup, self.state = sup, os.path.join(work, f'state-{engine}')
        empty = os.path.join(work, 'empty.yaml')
        open(empty, 'w').write('')
        self.proc = subprocess.Popen([sup, 'run', '-f', empty, '--state-dir', self.state, '--container-engine', engine, '--backoff-base', '0'],
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        until(lambda: self.cli('get', 'pods', check=False).returncode == 0)

    def cli(self, *args, check=True):
        return run([self.sup, *args, '--state-dir', self.state], check=check)

    def apply_ready(self, work, text, name):
        path = os.path.join(work, name + '.yaml')
        open(path, 'w').write(text)
        start = time.monotonic()
        self.cli('apply', '-f', path)
        self.cli('wait', '--for=condition=Ready', f'pod/{name}', '--timeout', '120s')
        return time.monotonic() - start

    def stop(self):
        self.proc.send_signal(signal.SIGTERM)
        self.proc.wait(timeout=120)

def pss_kib(pid):
    try:
        for line in open(f'/proc/{pid}/smaps_rollup'):
            if line.startswith('Pss:'): return int(line.split()[1])
    except OSError:
        return 0
    return 0

def children(pid):
    out = run(['ps', '-o', 'pid=', '--ppid', str(pid)], check=False).stdout.split()
    return [int(p) for p in out]

def main():
    p = argparse.ArgumentParser()
    p.add_argument('--sup')
    p.add_argument('--runs', type=int, default=5)
    p.add_argument('--pods', type=int, default=50)
    p.add_argument('--engines', default='podman,docker')
    a = p.parse_args()
    engines = [e for e in a.engines.split(',') if e]
    work = tempfile.mkdtemp(prefix='sup-bench-engines-')
    sup = sup_binary(a.sup, work)
    rows = []
    try:
        # 1. apply -> Ready
        host = Daemon(sup, work, 'none')
        times = [host.apply_ready(work, HOST.format(name=f'host-{i}', server=SERVER.format(bind='$POD_IP:')), f'host-{i}') for i in range(a.runs)]
        host.stop()
        rows.append(('apply -> Ready, host pod (sup)', times))
        for engine in engines:
            d = Daemon(sup, work, engine)
            try:
                times = [d.apply_ready(work, IMAGE.format(name=f'{engine}-{i}', server=SERVER.format(bind=''), host_port=''), f'{engine}-{i}') for i in range(a.runs)]
                rows.append((f'apply -> Ready, image pod under {engine} (sup)', times))
                # restart after kill -9 of the container's process
                name = f'{engine}-0'
                restarts = []
                for _ in range(a.runs):
                    pod = json.loads(d.cli('get', 'pod', name, '-o', 'json').stdout)
                    count = pod['status']['containerStatuses'][0]['restartCount']
                    cid = pod['status']['containerStatuses'][0]['containerID'].split('://')[1]
                    pid = int(run([engine, 'inspect', '-f', '{{.State.Pid}}', cid]).stdout.strip())
                    start = time.monotonic()
                    os.kill(pid, signal.SIGKILL)
                    def restarted():
                        s = json.loads(d.cli('get', 'pod', name, '-o', 'json').stdout)['status']['containerStatuses'][0]
                        return s['restartCount'] > count and 'running' in s['state']
                    until(restarted)
                    restarts.append(time.monotonic() - start)
                    until(lambda: json.loads(d.cli('get', 'pod', name, '-o', 'json').stdout)['status']['containerStatuses'][0].get('ready'))
                rows.append((f'restart after kill -9, image pod under {engine} (sup, back-off 0)', restarts))
                # exec: nsenter (the daemon's way) vs the engine's exec
                cid = json.loads(d.cli('get', 'pod', name, '-o', 'json').stdout)['status']['containerStatuses'][0]['containerID'].split('://')[1]
                pid = run([engine, 'inspect', '-f', '{{.State.Pid}}', cid]).stdout.strip()
                for label, argv in ((f'one exec, nsenter into a {engine} container (sup\'s exec probe)', ['nsenter', '-t', pid, '--mount', '--uts', '--ipc', '--net', '--pid', '--root', '--wd', '--', '/bin/sh', '-c', ':']),
                                    (f'one exec, {engine} exec', [engine, 'exec', cid, '/bin/sh', '-c', ':'])):
                    times = []
                    for _ in range(max(a.runs, 5)):
                        start = time.monotonic()
                        run(argv)
                        times.append(time.monotonic() - start)
                    rows.append((label, times))
                for i in range(a.runs): d.cli('delete', f'pod/{engine}-{i}')
                # memory with N image pods
                many = os.path.join(work, f'many-{engine}.yaml')
                with open(many, 'w') as f:
                    for i in range(a.pods):
                        f.write('---\n' + IMAGE.format(name=f'm-{i}', server='sleep 3600', host_port='').replace('      readinessProbe: {httpGet: {path: /, port: 8080}, periodSeconds: 1}\n', ''))
                d.cli('apply', '-f', many)
                until(lambda: d.cli('get', 'pods', '-o', 'json').stdout.count('"ready": true') >= a.pods, seconds=600)
                time.sleep(5)
                daemon_pss = pss_kib(d.proc.pid)
                # The daemon is a subreaper: the engine's per-container monitors (podman's conmon) end up its children
                # too; they are the engine's, listed apart from the attach processes the daemon keeps itself.
                by_name = {}
                for c in children(d.proc.pid):
                    try: comm = open(f'/proc/{c}/comm').read().strip()
                    except OSError: continue
                    by_name.setdefault(comm, []).append(pss_kib(c))
                parts = ', '.join(f'{len(v)} {k} {sum(v) / 1024:.1f} MiB' for k, v in sorted(by_name.items()))
                print(f'memory, {a.pods} image pods under {engine}: daemon PSS {daemon_pss / 1024:.1f} MiB; its child processes (PSS): {parts or "none"}')
            finally:
                d.stop()
        # 2. the engines' own tools
        if 'podman' in engines:
            kube = os.path.join(work, 'kube.yaml')
            open(kube, 'w').write(IMAGE.format(name='kube-play', server=SERVER.format(bind=''), host_port=', hostPort: 18089, hostIP: 127.0.0.1'))
            times, restarts = [], []
            for _ in range(a.runs):
                start = time.monotonic()
                run(['podman', 'kube', 'play', kube])
                until(lambda: answers('http://127.0.0.1:18089/'))
                times.append(time.monotonic() - start)
                run(['podman', 'kube', 'down', kube])
            rows.append(('podman kube play -> answering on its hostPort', times))
        for engine in engines:
            name = f'bench-restart-{engine}'
            run([engine, 'run', '-d', '--name', name, '--restart=always', 'busybox:1.28', 'sleep', '3600'])
            try:
                restarts = []
                for _ in range(a.runs):
                    pid = int(run([engine, 'inspect', '-f', '{{.State.Pid}}', name]).stdout.strip())
                    start = time.monotonic()
                    os.kill(pid, signal.SIGKILL)
                    def back(old=pid):
                        running, now = run([engine, 'inspect', '-f', '{{.State.Running}} {{.State.Pid}}', name]).stdout.split()
                        return running == 'true' and now not in (str(old), '0')
                    until(back)
                    restarts.append(time.monotonic() - start)
                rows.append((f'restart after kill -9, {engine} run --restart=always', restarts))
            finally:
                run([engine, 'rm', '-f', name], check=False)
        compose = next((c for c in (['docker', 'compose'], ['docker-compose']) if shutil.which(c[0]) and run([*c, 'version'], check=False).returncode == 0), None)
        if 'docker' in engines and compose is not None:
            up = run([*compose, 'up', '--help'], check=False).stdout
            if '--wait' in up:
                yml = os.path.join(work, 'compose.yaml')
                open(yml, 'w').write('services:\n  web:\n    image: busybox:1.28\n    command: ["sh", "-c", "' + SERVER.format(bind='') + '"]\n'
                                     '    ports: ["127.0.0.1:18090:8080"]\n    healthcheck: {test: ["CMD", "wget", "-q", "-O-", "http://127.0.0.1:8080/"], interval: 1s}\n')
                times = []
                for _ in range(a.runs):
                    start = time.monotonic()
                    run([*compose, '-f', yml, 'up', '-d', '--wait'])
                    times.append(time.monotonic() - start)
                    run([*compose, '-f', yml, 'down', '-t', '1'])
                rows.append((f'{" ".join(compose)} up --wait (healthcheck every 1 s)', times))
            else:
                print(f'{" ".join(compose)}: no `up --wait` in this version; not measured')
        elif 'docker' in engines:
            print('docker compose: not installed here (no compose v2 plugin in Debian 12); not measured')
    finally:
        shutil.rmtree(work, ignore_errors=True)
    for label, times in rows:
        print(f'{label}: {median_ms(times)}')

if __name__ == '__main__':
    main()
