#!/usr/bin/env python3
"""Image pods against host pods (issue 14): apply -> Ready for one pod of each kind, and the cost of one exec probe
inside a container (the daemon enters its namespaces with nsenter) against `podman exec`.

    python3 bench/image_pods.py [--sup PATH] [--runs 5]

Needs podman and the test images (tests/images/build.sh podman). A pod is Ready once `sup wait` says so; the time is
taken from just before `sup apply` to the end of that wait, so it includes two client calls (~10 ms)."""
import argparse, os, shutil, signal, statistics, subprocess, sys, tempfile, time
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from supbench import ROOT, sup_binary

HOST = """apiVersion: v1
kind: Pod
metadata: {{name: {name}}}
spec:
  terminationGracePeriodSeconds: 1
  containers:
    - name: app
      command: ["sleep", "infinity"]
      readinessProbe: {{exec: {{command: ["true"]}}, periodSeconds: 1}}
"""
IMAGE = """apiVersion: v1
kind: Pod
metadata: {{name: {name}}}
spec:
  terminationGracePeriodSeconds: 1
  containers:
    - name: app
      image: busybox:1.28
      command: ["sleep", "3600"]
      readinessProbe: {{exec: {{command: ["true"]}}, periodSeconds: 1}}
"""

def run(args, **kw):
    return subprocess.run(args, check=True, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, **kw)

def main():
    p = argparse.ArgumentParser()
    p.add_argument('--sup')
    p.add_argument('--runs', type=int, default=5)
    a = p.parse_args()
    work = tempfile.mkdtemp(prefix='sup-bench-image-')
    sup = sup_binary(a.sup, work)
    run([os.path.join(ROOT, 'tests/images/build.sh'), 'podman'])
    state = os.path.join(work, 'state')
    empty = os.path.join(work, 'empty.yaml')
    open(empty, 'w').write('')
    daemon = subprocess.Popen([sup, 'run', '-f', empty, '--state-dir', state], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        for _ in range(100):
            if subprocess.run([sup, 'get', 'pods', '--state-dir', state], capture_output=True).returncode == 0:
                break
            time.sleep(0.1)
        results = {}
        for kind, template in (('host', HOST), ('image', IMAGE)):
            times = []
            for i in range(a.runs):
                name = f'{kind}-{i}'
                path = os.path.join(work, name + '.yaml')
                open(path, 'w').write(template.format(name=name))
                start = time.monotonic()
                run([sup, 'apply', '-f', path, '--state-dir', state])
                run([sup, 'wait', '--for=condition=Ready', f'pod/{name}', '--timeout', '120s', '--state-dir', state])
                times.append(time.monotonic() - start)
                run([sup, 'delete', f'pod/{name}', '--state-dir', state])
            results[kind] = times
            print(f'apply -> Ready, {kind} pod: median {statistics.median(times) * 1000:.0f} ms, '
                  f'min {min(times) * 1000:.0f}, max {max(times) * 1000:.0f} (n={len(times)})')
        print(f"ratio image/host: {statistics.median(results['image']) / statistics.median(results['host']):.1f}x")
        # One exec inside a running container: nsenter into its namespaces (what the daemon does) vs podman exec.
        name = 'exec-target'
        path = os.path.join(work, name + '.yaml')
        open(path, 'w').write(IMAGE.format(name=name))
        run([sup, 'apply', '-f', path, '--state-dir', state])
        run([sup, 'wait', '--for=condition=Ready', f'pod/{name}', '--timeout', '120s', '--state-dir', state])
        cid = run(['podman', 'ps', '-q', '--filter', f'name=_{name}_.*_app_', '--filter', 'label=sup.daemon']).stdout.split()[0]
        pid = run(['podman', 'inspect', '-f', '{{.State.Pid}}', cid]).stdout.strip()
        for label, argv in (('nsenter (the daemon\'s way)', ['nsenter', '-t', pid, '--mount', '--uts', '--ipc', '--net', '--pid', '--root', '--wd', '--', '/bin/sh', '-c', ':']),
                            ('podman exec', ['podman', 'exec', cid, '/bin/sh', '-c', ':'])):
            times = []
            for _ in range(max(a.runs, 5)):
                start = time.monotonic()
                run(argv)
                times.append(time.monotonic() - start)
            print(f'one exec, {label}: median {statistics.median(times) * 1000:.1f} ms (n={len(times)})')
    finally:
        daemon.send_signal(signal.SIGTERM)
        daemon.wait(timeout=60)
        shutil.rmtree(work, ignore_errors=True)

if __name__ == '__main__':
    main()
