#!/usr/bin/env python3
"""What a host container's isolation adds to its start (issue 17).

Without --pods: the exec chain sup spawns for a container with a user (setpriv) or a mount namespace of its own
(unshare + the fixed sh script of IsolatedCommand.cs, read from the source), against the program alone.

With --pods N: pods started through sup: a daemon (NativeAOT, --sup PATH or a fresh publish) is started empty, then
`sup apply` of N one-container pods (`sleep infinity`), timed from the apply to all N sleeps running as the daemon's
children (read from /proc), for plain pods, pods with `sup.minikube.io/isolate: "true"`, an emptyDir at an absolute
mountPath, and runAsUser; the median of --runs runs (a fresh daemon and state dir each). --as-user NAME runs the
daemon as that user (setpriv): its isolation is made in a user namespace; runAsUser is then refused, so not measured.
Needs root (mount namespaces, setpriv to another uid).

    sudo python3 bench/host_isolation.py [--runs 200]
    sudo python3 bench/host_isolation.py --pods 50 --runs 5 [--sup PATH] [--as-user NAME]
"""
import argparse, os, pwd, re, shutil, signal, statistics, subprocess, sys, tempfile, time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from supbench import sup_binary  # noqa: E402
import procfs  # noqa: E402
SOURCE = os.path.join(HERE, '..', 'src', 'MiniKube.Sup', 'Runtime', 'IsolatedCommand.cs')


def script():
    text = open(SOURCE).read()
    body = re.search(r'internal const string Script = """\n(.*?)\n        """;', text, re.S).group(1)
    return '\n'.join(line[8:] for line in body.split('\n'))


def median_ms(argv, runs):
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(argv, check=True)
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


POD_CASES = [
    ('plain', '', ''),
    ('sup.minikube.io/isolate: "true"', '  annotations: {sup.minikube.io/isolate: "true"}\n', ''),
    ('emptyDir at mountPath {mount}', '', '      volumeMounts: [{{name: data, mountPath: "{mount}"}}]\n'),
    ('runAsUser: 1000', '', '      securityContext: {{runAsUser: 1000}}\n'),
]


def pods_manifest(path, count, annotations, container, mount):
    with open(path, 'w') as f:
        for i in range(count):
            f.write(f"---\napiVersion: v1\nkind: Pod\nmetadata:\n  name: p-{i}\n{annotations}spec:\n"
                    f"  terminationGracePeriodSeconds: 1\n  volumes: [{{name: data, emptyDir: {{}}}}]\n"
                    f"  containers:\n    - name: app\n      command: [sleep, infinity]\n{container.format(mount=mount)}")
    os.chmod(path, 0o644)


def pod_start_seconds(sup, work, manifest, count, as_user):
    """One run: an empty daemon, then the apply, timed to all `count` sleeps running."""
    state = os.path.join(work, 'state')
    shutil.rmtree(state, ignore_errors=True)
    prefix = []
    if as_user:
        prefix = ['setpriv', '--reuid', as_user, '--regid', as_user, '--init-groups', 'env', 'HOME=' + work]
    daemon = subprocess.Popen(prefix + [sup, 'run', '--state-dir', state], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 60
        while not os.path.exists(os.path.join(state, 'sup.sock')):
            if daemon.poll() is not None or time.monotonic() > deadline:
                sys.exit('the daemon did not start')
            time.sleep(0.01)
        # setpriv execs sup, which execs sup-daemon: the pid Popen returned is the daemon's.
        start = time.perf_counter()
        subprocess.run(prefix + [sup, 'apply', '-f', manifest, '--state-dir', state], check=True, stdout=subprocess.DEVNULL)
        while len(procfs.children_of({daemon.pid}, 'sleep')) < count:
            if time.monotonic() > deadline + 60:
                subprocess.run(prefix + [sup, 'get', 'pods', '--state-dir', state])
                sys.exit('the pods did not all start')
            time.sleep(0.002)
        return time.perf_counter() - start
    finally:
        daemon.send_signal(signal.SIGTERM)
        daemon.wait(120)


def pods(args):
    work = tempfile.mkdtemp(prefix='sup-bench-iso-')
    os.chmod(work, 0o755)
    sup = sup_binary(args.sup, work)
    mount = '/tmp/sup-bench-iso-mount'
    if args.as_user:
        user = pwd.getpwnam(args.as_user)
        os.chown(work, user.pw_uid, user.pw_gid)
        mount = os.path.join(work, 'mount')  # a mount point the user may make (never in /)
    cases = [c for c in POD_CASES if not (args.as_user and 'runAsUser' in c[0])]
    print(f"{args.pods} pods through sup ({sup}{', daemon as ' + args.as_user if args.as_user else ', daemon as root'}): "
          f"apply to all running, median of {args.runs} runs")
    base = None
    try:
        for name, annotations, container in cases:
            manifest = os.path.join(work, 'pods.yaml')
            pods_manifest(manifest, args.pods, annotations, container, mount)
            times = [pod_start_seconds(sup, work, manifest, args.pods, args.as_user) for _ in range(args.runs)]
            ms = statistics.median(times) * 1000
            base = ms if base is None else base
            label = name.format(mount=mount)
            print(f'  {label:55} {ms:8.0f} ms  ({ms / args.pods:5.1f} ms/pod, +{(ms - base) / args.pods:.1f} ms/pod)'
                  f'  runs: {" ".join(f"{t * 1000:.0f}" for t in times)}')
    finally:
        shutil.rmtree(work, ignore_errors=True)
        if os.path.isdir(mount) and not os.listdir(mount):
            os.rmdir(mount)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument('--runs', type=int, default=None)
    parser.add_argument('--pods', type=int, default=0)
    parser.add_argument('--sup')
    parser.add_argument('--as-user')
    args = parser.parse_args()
    if args.pods:
        args.runs = args.runs or 5
        pods(args)
        return
    runs = args.runs or 200
    sh = script()
    with tempfile.TemporaryDirectory() as d:
        volume, target, hosts = os.path.join(d, 'v'), os.path.join(d, 'w'), os.path.join(d, 'hosts')
        os.makedirs(volume); os.makedirs(target)
        open(hosts, 'w').write('127.0.0.1 localhost\n')
        user = ['setpriv', '--reuid', '1000', '--regid', '1000', '--clear-groups', '--']
        unshare = ['unshare', '--mount', '--propagation', 'slave', '--', '/bin/sh', '-c', sh, 'sup-isolate']
        cases = [
            ('program alone', ['/bin/true']),
            ('runAsUser (setpriv)', user + ['/bin/true']),
            ('isolated: 1 mount + hosts', unshare + ['0', hosts, '', '1', volume, target, 'rw', '--', '/bin/true']),
            ('isolated: private /tmp, 2 mounts (1 readOnly), hosts, runAsUser',
             unshare + ['1', hosts, target, '2', volume, target, 'rw', volume, volume, 'ro', '--'] + user + ['/bin/true']),
        ]
        base = None
        print(f'median of {runs} starts each')
        for name, argv in cases:
            ms = median_ms(argv, runs)
            base = ms if base is None else base
            print(f'  {name:70} {ms:7.2f} ms  (+{ms - base:.2f})')


if __name__ == '__main__':
    main()
