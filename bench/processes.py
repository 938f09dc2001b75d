#!/usr/bin/env python3
"""Process supervision at rest and at scale (security issue, findings 6, 7 and 9):

  zombies    a pod that orphans short-lived background jobs for --seconds (each `(sleep 0.01 &)` leaves a
             `sleep` to the daemon, the subreaper), then rests: the daemon's zombie (Z) children, most seen during
             the storm and left 2 s after it ended
  crashloop  a pod `sh -c 'sleep 0.01 & exit 1'` restarted with --backoff-base 0 for --seconds: zombie children
             of the daemon at the end
  escape     a pod `setsid sh -c 'env -i sleep 9104 &'` (the daemonized sleep drops the SUP_OWNER mark): whether
             `sup ps` shows it and whether it is left after SIGTERM
  stop       N `sleep infinity` pods (--stop-pods, e.g. 1000,5000): time from SIGTERM to `sup run` exit, and what
             is left (processes carrying the state dir's SUP_OWNER mark, processes in its cgroups)
  fds        the daemon's open descriptors (/proc/PID/fd) with 0 and with 100 pods, and the difference per container

    python3 bench/processes.py [--sup PATH] [--only zombies,crashloop,escape,stop,fds] [--seconds 10]
                               [--stop-pods 1000,5000]

Without --sup it publishes the NativeAOT binary first (dotnet publish src/MiniKube.Sup.Cli -c Release). Run it as
root to measure what a root daemon does (cgroups, raised descriptor limit)."""
from supbench import sup_binary, sleep_pods, daemon_id
import argparse, os, shutil, signal, subprocess, sys, tempfile, time

def stat(pid):
    """(state, ppid) of a process, or None once it is gone."""
    try:
        with open(f'/proc/{pid}/stat') as f:
            fields = f.read().rsplit(')', 1)[1].split()
    except OSError:
        return None
    return fields[0], int(fields[1])

def zombie_children(daemon):
    count = 0
    for d in os.listdir('/proc'):
        if d.isdigit():
            s = stat(d)
            if s and s[0] == 'Z' and s[1] == daemon:
                count += 1
    return count

def owned(state_dir):
    """Live processes whose SUP_OWNER mark starts with the state dir's id."""
    prefix = b'SUP_OWNER=' + daemon_id(state_dir).encode() + b'/'
    result = []
    for d in os.listdir('/proc'):
        if not d.isdigit():
            continue
        try:
            with open(f'/proc/{d}/environ', 'rb') as f:
                env = f.read()
        except OSError:
            continue
        s = stat(d)
        if s and s[0] != 'Z' and any(e.startswith(prefix) for e in env.split(b'\0')):
            result.append(int(d))
    return result

def cgroup_root(state_dir):
    """<cgroup2 mount>/<our own cgroup>/sup-<daemon id>: where a root daemon puts its containers' cgroups."""
    mount = None
    with open('/proc/self/mountinfo') as f:
        for line in f:
            left, right = line.split(' - ', 1)
            if right.split()[0] == 'cgroup2':
                mount = left.split()[4]
                break
    if mount is None:
        return None
    own = next((l.strip()[3:] for l in open('/proc/self/cgroup') if l.startswith('0::')), '/')
    return os.path.join(mount + own.rstrip('/'), 'sup-' + daemon_id(state_dir))

def in_cgroups(state_dir):
    root = cgroup_root(state_dir)
    pids = []
    if root and os.path.isdir(root):
        for dirpath, _, files in os.walk(root):
            if 'cgroup.procs' in files:
                with open(os.path.join(dirpath, 'cgroup.procs')) as f:
                    pids += [int(p) for p in f.read().split()]
    return pids

def leftovers(state_dir):
    """Everything of the run still alive: marked processes, processes in its cgroups, the `sleep 9104` escapee."""
    pids = set(owned(state_dir)) | set(in_cgroups(state_dir))
    for d in os.listdir('/proc'):
        if d.isdigit():
            try:
                with open(f'/proc/{d}/cmdline', 'rb') as f:
                    if f.read() == b'/bin/sleep\x009104\x00':
                        pids.add(int(d))
            except OSError:
                pass
    return sorted(pids)

def pod(name, command, policy='Always', grace=2):
    quoted = command.replace('\\', '\\\\').replace('"', '\\"')
    return (f"---\napiVersion: v1\nkind: Pod\nmetadata:\n  name: {name}\nspec:\n  restartPolicy: {policy}\n"
            f"  terminationGracePeriodSeconds: {grace}\n  containers:\n    - name: app\n"
            f"      command: [\"sh\", \"-c\", \"{quoted}\"]\n")

class Daemon:
    def __init__(self, sup, work, manifest_text=None, manifest_path=None, extra=()):
        self.sup, self.work = sup, work
        self.state = os.path.join(work, 'state')
        shutil.rmtree(self.state, ignore_errors=True)
        if manifest_path is None:
            manifest_path = os.path.join(work, 'pods.yaml')
            with open(manifest_path, 'w') as f:
                f.write(manifest_text)
        self.log = open(os.path.join(work, 'daemon.log'), 'w')
        self.proc = subprocess.Popen([sup, 'run', '-f', manifest_path, '--state-dir', self.state, *extra],
                                     stdout=self.log, stderr=subprocess.STDOUT)
        self.pid = self.proc.pid

    def running(self, count, timeout):
        """Waits until `count` pods are Running (sup get pods)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            r = subprocess.run([self.sup, 'get', 'pods', '--state-dir', self.state], capture_output=True, text=True)
            if r.returncode == 0 and r.stdout.count(' Running ') >= count:
                return True
            time.sleep(0.5)
        return False

    def stop(self, timeout=900):
        t = time.monotonic()
        self.proc.send_signal(signal.SIGTERM)
        code = self.proc.wait(timeout)
        self.log.close()
        return time.monotonic() - t, code

def zombies(sup, work, seconds):
    storm = (f"end=$(($(date +%s)+{seconds})); while [ $(date +%s) -lt $end ]; do (sleep 0.01 &); sleep 0.01; done; "
             "exec sleep infinity")
    d = Daemon(sup, work, pod('storm', storm))
    d.running(1, 60)
    peak, t = 0, time.monotonic()
    while time.monotonic() - t < seconds:
        peak = max(peak, zombie_children(d.pid))
        time.sleep(0.5)
    time.sleep(2)
    rest = zombie_children(d.pid)
    took, code = d.stop()
    print(f"zombies: storm of orphaned `sleep 0.01` for {seconds} s: most zombie children seen {peak}, "
          f"2 s after the storm {rest}; stop {took:.2f} s, exit {code}, left {len(leftovers(d.state))}")

def crashloop(sup, work, seconds):
    d = Daemon(sup, work, pod('crash', 'sleep 0.01 & exit 1'), extra=['--backoff-base', '0'])
    time.sleep(seconds)
    count = zombie_children(d.pid)
    took, code = d.stop()
    print(f"crashloop: `sleep 0.01 & exit 1` with --backoff-base 0 for {seconds} s: {count} zombie children of the daemon; "
          f"stop {took:.2f} s, exit {code}, left {len(leftovers(d.state))}")

def escape(sup, work):
    d = Daemon(sup, work, pod('escape', "setsid sh -c 'env -i /bin/sleep 9104 &'; exec sleep infinity"))
    d.running(1, 60)
    time.sleep(1)
    ps = subprocess.run([sup, 'ps', '--state-dir', d.state], capture_output=True, text=True).stdout
    shown = '9104' in ps
    took, code = d.stop()
    left = leftovers(d.state)
    print(f"escape: `setsid sh -c 'env -i /bin/sleep 9104 &'`: shown by sup ps: {'yes' if shown else 'no'}; "
          f"after SIGTERM ({took:.2f} s, exit {code}) left: {len(left)} {left}")
    for pid in left:
        try:
            os.kill(pid, signal.SIGKILL)
        except OSError:
            pass

def stop(sup, work, pods):
    d = Daemon(sup, work, manifest_path=sleep_pods(work, pods))
    t = time.monotonic()
    if not d.running(pods, 1800):
        print(f"stop: {pods} pods did not all start")
    started = time.monotonic() - t
    time.sleep(2)
    fds = len(os.listdir(f'/proc/{d.pid}/fd'))
    took, code = d.stop(3600)
    left = leftovers(d.state)
    print(f"stop: {pods} pods (started in {started:.1f} s, daemon fds {fds}): SIGTERM -> exit {took:.2f} s, "
          f"exit {code}, left {len(left)}")

def fds(sup, work):
    counts = []
    for n in (0, 100):
        d = Daemon(sup, work, manifest_path=sleep_pods(work, n) if n else None,
                   manifest_text=None if n else pod('none', 'exit 0', policy='Never'))
        d.running(n, 120)
        time.sleep(2)
        counts.append(len(os.listdir(f'/proc/{d.pid}/fd')))
        d.stop()
    print(f"fds: daemon descriptors with 1 finished pod {counts[0]}, with 100 pods {counts[1]}: "
          f"{(counts[1] - counts[0]) / 100:.2f} per container")

def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--sup')
    ap.add_argument('--only', default='zombies,crashloop,escape,stop,fds')
    ap.add_argument('--seconds', type=int, default=10)
    ap.add_argument('--stop-pods', default='1000,5000')
    args = ap.parse_args()
    work = tempfile.mkdtemp(prefix='sup-bench-procs-')
    sup = sup_binary(args.sup, work)
    print(f"sup: {sup}; uid {os.geteuid()}; nofile {open('/proc/self/limits').read().split('Max open files')[1].split()[:2]}")
    only = args.only.split(',')
    if 'zombies' in only:
        zombies(sup, work, args.seconds)
    if 'crashloop' in only:
        crashloop(sup, work, args.seconds)
    if 'escape' in only:
        escape(sup, work)
    if 'fds' in only:
        fds(sup, work)
    if 'stop' in only:
        for n in args.stop_pods.split(','):
            stop(sup, work, int(n))
    shutil.rmtree(work, ignore_errors=True)

if __name__ == '__main__':
    sys.exit(main())
