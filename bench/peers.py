#!/usr/bin/env python3
"""sup side by side with supervisord, runit, s6 and PM2, in one run, on this machine (issue 7).

    python3 bench/peers.py [--quick] [--sup PATH] [--before PATH] [--only sup,runit,...] [--out bench/RESULTS.md]

Installs what is missing (apt-get install supervisor runit s6, and wrk for service.py; npm install -g pm2), publishes sup in Release
(unless --sup is given), then for each supervisor, children being `sleep infinity`:
  * its own memory (RSS and PSS summed over its processes) with 1, 100 and 500 children;
  * time from start to 100 (and 500) children running;
  * its CPU time over 60 s idle with 100 children;
  * restart latency after kill -9 of a child (kill -> new child pid; median and max of 20, each a different
    child, so it is always that child's first restart; every peer configured for no restart delay);
  * its status command with 100 children (wall time, median);
  * stopping 100 children;
  * a crash loop: one child that exits 1 at once, with each supervisor's default restart settings.
Then the sup-only scripts (HOOKS below: probes.py with restarts under the probes, exec probes in image pods,
service.py, control_plane.py with 1,000 pods, cron.py, engines.py for podman) when they exist (each is run as
`python3 SCRIPT --sup PATH ARGS...` and its output is copied into the results), and issue 23's targets are marked met
or not from the figures. --before PATH measures an earlier published sup in the same run as "sup before" (the
table, probes.py and control_plane.py), for a before/after comparison.

Everything runs under a temp dir in the foreground; no system service is enabled. Timings come from polling /proc
(one pass over /proc takes a few ms: the start-to-running figures have that resolution; the kill -> restart poll
looks only at new pids and is well under a millisecond). --quick is for development: fewer children, shorter
windows, figures not comparable with a full run.
"""
import argparse, datetime, json, os, platform, re, shutil, signal, statistics, subprocess, sys, tempfile, time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from supbench import ROOT, sup_binary, daemon_id  # noqa: E402
import procfs  # noqa: E402

RUN_MARK = f'SUPBENCH_RUN={os.getpid()}-{int(time.time())}'


def snapshot():
    """pid -> (comm, state, ppid, cpu ticks) for every process."""
    snap = {}
    for pid in procfs.pids():
        s = procfs.stat(pid)
        if s:
            snap[pid] = s
    return snap


def run_quiet(argv, env=None, check=True):
    return subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env, check=check)


class Peer:
    """One supervisor under test. Subclasses write its configuration, start and stop it, and say which
    processes are the supervisor itself (whose memory and CPU count)."""
    name = ''
    supervisor_comms = ()  # per-service supervisor processes under the root (runsv, s6-supervise)

    def __init__(self, work):
        self.work = work
        self.proc = None
        self.env = dict(os.environ)
        key, value = RUN_MARK.split('=')
        self.env[key] = value

    def write(self, count, crash_file=None):
        raise NotImplementedError

    def start(self):
        raise NotImplementedError

    def root_pid(self):
        return self.proc.pid if self.proc else None

    def supervisors(self, snap):
        root = self.root_pid()
        if root is None or root not in snap:
            return set()
        return {root} | {p for p, s in snap.items() if s[2] == root and s[0] in self.supervisor_comms}

    def children(self, snap, comm='sleep'):
        sups = self.supervisors(snap)
        return [p for p, s in snap.items() if s[2] in sups and s[1] != 'Z' and s[0] == comm]

    def status_argv(self):
        raise NotImplementedError

    def stop(self):
        raise NotImplementedError

    def version(self):
        return ''

    def service_lines(self, i, crash_file):
        """The shell command of service i: sleep, or for the crash loop one that logs its start and exits 1."""
        if crash_file:
            return f'echo . >> {crash_file}; exit 1'
        return 'exec sleep infinity'


def dpkg_version(package):
    out = subprocess.run(['dpkg-query', '-W', '-f=${Version}', package], capture_output=True, text=True)
    return out.stdout.strip()


class Sup(Peer):
    name = 'sup'

    def __init__(self, work, sup, backoff_base, name='sup'):
        super().__init__(work)
        self.name = name
        self.sup = sup
        self.backoff_base = backoff_base
        self.state = os.path.join(work, 'state')

    def version(self):
        out = subprocess.run([self.sup, 'version'], capture_output=True, text=True).stdout.strip().splitlines()
        return (out[0] if out else '') + ' (NativeAOT)'

    def write(self, count, crash_file=None):
        self.manifest = os.path.join(self.work, 'pods.yaml')
        with open(self.manifest, 'w') as f:
            for i in range(count):
                command = ['/bin/sh', '-c', f'echo . >> {crash_file}; exit 1'] if crash_file else ['sleep', 'infinity']
                f.write(f"---\napiVersion: v1\nkind: Pod\nmetadata:\n  name: sleeper-{i}\nspec:\n"
                        f"  containers:\n    - name: app\n      command: {json.dumps(command)}\n")

    def start(self):
        argv = [self.sup, 'run', '-f', self.manifest, '--state-dir', self.state]
        if self.backoff_base is not None:
            argv += ['--backoff-base', str(self.backoff_base)]
        self.proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=self.env)

    def status_argv(self):
        return [self.sup, 'get', 'pods', '--state-dir', self.state]

    def status_label(self):
        return 'sup get pods'

    def stop(self):
        self.proc.send_signal(signal.SIGTERM)
        self.proc.wait(120)


class Supervisord(Peer):
    name = 'supervisord'

    def version(self):
        return subprocess.run(['supervisord', '--version'], capture_output=True, text=True).stdout.strip()

    def write(self, count, crash_file=None):
        w = self.work
        os.makedirs(os.path.join(w, 'logs'), exist_ok=True)
        self.conf = os.path.join(w, 'supervisord.conf')
        command = f'/bin/sh -c "echo . >> {crash_file}; exit 1"' if crash_file else 'sleep infinity'
        # No restart delay: supervisord restarts a RUNNING process that exits at its next loop turn. startsecs=0
        # makes `sleep` count as started at once (the default, 1 s, would only delay "RUNNING"). The crash loop
        # keeps the defaults (startsecs=1, startretries=3).
        extra = '' if crash_file else 'startsecs=0\n'
        with open(self.conf, 'w') as f:
            f.write(f"""[supervisord]
nodaemon=true
logfile={w}/supervisord.log
pidfile={w}/supervisord.pid
childlogdir={w}/logs
loglevel=warn
minfds=4096
[unix_http_server]
file={w}/supervisor.sock
[rpcinterface:supervisor]
supervisor.rpcinterface_factory = supervisor.rpcinterface:make_main_rpcinterface
[supervisorctl]
serverurl=unix://{w}/supervisor.sock
[program:sleeper]
command={command}
process_name=%(program_name)s-%(process_num)d
numprocs={count}
autorestart=true
{extra}""")

    def start(self):
        self.proc = subprocess.Popen(['supervisord', '-n', '-c', self.conf], stdout=subprocess.DEVNULL,
                                     stderr=subprocess.DEVNULL, env=self.env)

    def status_argv(self):
        return ['supervisorctl', '-c', self.conf, 'status']

    def status_label(self):
        return 'supervisorctl status'

    def stop(self):
        self.proc.send_signal(signal.SIGTERM)
        self.proc.wait(120)


class ScanDirPeer(Peer):
    """runit and s6: a scan directory with one service directory (a `run` script) per child."""

    def write(self, count, crash_file=None):
        self.scan = os.path.join(self.work, 'scan')
        os.makedirs(self.scan, exist_ok=True)
        for i in range(count):
            d = os.path.join(self.scan, f'sleeper-{i}')
            os.makedirs(d, exist_ok=True)
            run = os.path.join(d, 'run')
            with open(run, 'w') as f:
                f.write('#!/bin/sh\n' + self.service_lines(i, crash_file) + '\n')
            os.chmod(run, 0o755)


class Runit(ScanDirPeer):
    name = 'runit'
    supervisor_comms = ('runsv',)

    def version(self):
        return 'runit ' + dpkg_version('runit')

    def start(self):
        self.proc = subprocess.Popen(['runsvdir', self.scan], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                     env=self.env)

    def status_argv(self):
        return ['sh', '-c', f'sv status {self.scan}/*']

    def status_label(self):
        return 'sv status DIR/*'

    def stop(self):
        # runit: SIGHUP to runsvdir sends TERM to every runsv, which stops its service and exits.
        self.proc.send_signal(signal.SIGHUP)
        self.proc.wait(120)


class S6(ScanDirPeer):
    name = 's6'
    supervisor_comms = ('s6-supervise',)

    def version(self):
        return 's6 ' + dpkg_version('s6')

    def start(self):
        self.proc = subprocess.Popen(['s6-svscan', self.scan], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                     env=self.env)

    def status_argv(self):
        # s6 has no one command for every service's status: s6-svstat per service directory.
        return ['sh', '-c', f'for d in {self.scan}/*; do s6-svstat "$d"; done']

    def status_label(self):
        return 's6-svstat per service'

    def stop(self):
        # s6-svscan on SIGTERM acts as s6-svscanctl -t: its s6-supervise bring their services down and exit.
        self.proc.send_signal(signal.SIGTERM)
        self.proc.wait(120)


class Pm2(Peer):
    name = 'PM2'

    def __init__(self, work):
        super().__init__(work)
        self.env['PM2_HOME'] = os.path.join(work, 'pm2')
        self.pm2 = shutil.which('pm2')

    def version(self):
        # `pm2 --version` would start a PM2 daemon: read the package instead.
        root = subprocess.run(['npm', 'root', '-g'], capture_output=True, text=True).stdout.strip()
        with open(os.path.join(root, 'pm2', 'package.json')) as f:
            return 'PM2 ' + json.load(f)['version'] + ', node ' + subprocess.run(['node', '--version'], capture_output=True, text=True).stdout.strip()

    def write(self, count, crash_file=None):
        apps = []
        for i in range(count):
            app = {'name': f'sleeper-{i}', 'interpreter': 'none', 'autorestart': True}
            if crash_file:
                app.update(script='/bin/sh', args=['-c', f'echo . >> {crash_file}; exit 1'])
            else:
                # No delay: restart_delay 0 (the default too); exp_backoff_restart_delay left unset.
                app.update(script='/bin/sleep', args=['infinity'], restart_delay=0)
            apps.append(app)
        self.eco = os.path.join(self.work, 'ecosystem.json')
        with open(self.eco, 'w') as f:
            json.dump({'apps': apps}, f)

    def start(self):
        # The CLI starts the PM2 daemon (God) and asks it to start the apps; the daemon is what supervises.
        self.proc = subprocess.Popen([self.pm2, 'start', self.eco], stdout=subprocess.DEVNULL,
                                     stderr=subprocess.DEVNULL, env=self.env)

    def root_pid(self):
        try:
            with open(os.path.join(self.env['PM2_HOME'], 'pm2.pid')) as f:
                return int(f.read().strip())
        except (OSError, ValueError):
            return None

    def status_argv(self):
        return [self.pm2, 'ls']

    def status_label(self):
        return 'pm2 ls'

    def stop(self):
        run_quiet([self.pm2, 'kill'], env=self.env, check=False)
        if self.proc:
            self.proc.wait(60)


def wait_running(peer, count, t0, timeout):
    """Seconds from t0 until `count` children run (None on timeout)."""
    while True:
        snap = snapshot()
        if len(peer.children(snap)) >= count:
            return time.monotonic() - t0
        if time.monotonic() - t0 > timeout:
            return None
        time.sleep(0.001)


def wait_gone(peer, sups, kids, timeout=120):
    """Waits until the supervisor's processes and children are all gone."""
    deadline = time.monotonic() + timeout
    watched = set(sups) | set(kids)
    while time.monotonic() < deadline:
        alive = [p for p in watched if (procfs.stat(p) or ('', 'Z'))[1] != 'Z']
        if not alive:
            return True
        time.sleep(0.002)
    return False


def sweep():
    """Kills whatever this run started that is still there (there should be nothing); returns how many."""
    left = 0
    for pid in procfs.pids():
        if pid != os.getpid() and procfs.environ_has(pid, RUN_MARK.encode()):
            try:
                os.kill(pid, signal.SIGKILL)
                left += 1
            except OSError:
                pass
    return left


def restart_latencies(peer, kills):
    latencies = []
    snap = snapshot()
    sups = peer.supervisors(snap)
    victims = sorted(peer.children(snap))
    for k in range(kills):
        victim = victims[k % len(victims)]
        before = set(procfs.pids())
        t = time.perf_counter()
        os.kill(victim, signal.SIGKILL)
        while True:
            new = [p for p in procfs.pids() if p not in before]
            if any((procfs.stat(p) or ('', 'Z', -1))[2] in sups for p in new):
                latencies.append((time.perf_counter() - t) * 1000)
                break
            if time.perf_counter() - t > 10:
                latencies.append(float('inf'))
                break
        time.sleep(0.1)
    return latencies


def timed_runs(argv, env, runs):
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
        times.append((time.perf_counter() - t) * 1000)
    return statistics.median(times)


def session(make, count, body):
    """Runs one supervisor with `count` sleep children in a fresh dir, calls body(peer, started), stops it."""
    work = tempfile.mkdtemp(prefix='supbench-peer-')
    peer = make(work)
    peer.write(count)
    t0 = time.monotonic()
    peer.start()
    try:
        started = wait_running(peer, count, t0, timeout=120)
        if started is None:
            raise RuntimeError(f'{peer.name}: {count} children did not start')
        return body(peer, started)
    finally:
        snap = snapshot()
        sups, kids = peer.supervisors(snap), peer.children(snap)
        try:
            peer.stop()
        except Exception as e:  # noqa: BLE001 - the sweep below still cleans up
            print(f'  {peer.name}: stop failed: {e}', file=sys.stderr)
        wait_gone(peer, sups, kids, 30)
        left = sweep()
        if left:
            print(f'  {peer.name}: {left} process(es) were left and killed', file=sys.stderr)
        shutil.rmtree(work, ignore_errors=True)


def measure_peer(make, cfg, results, breakdowns):
    r = {}
    name = make(tempfile.gettempdir()).name
    print(f'== {name}', flush=True)

    def small(peer, started):
        time.sleep(cfg['settle'])
        r['mem1'] = procfs.memory(peer.supervisors(snapshot()))
    session(make, 1, small)

    def hundred(peer, started):
        r['start100'] = started
        time.sleep(cfg['settle'])
        snap = snapshot()
        sups = peer.supervisors(snap)
        r['mem100'] = procfs.memory(sups)
        if peer.name == 'sup':
            breakdowns['sup'] = procfs.smaps_breakdown(peer.root_pid())
        cpu0 = procfs.cpu_seconds(sups)
        time.sleep(cfg['idle'])
        r['idle_cpu'] = procfs.cpu_seconds(peer.supervisors(snapshot())) - cpu0
        lat = restart_latencies(peer, cfg['kills'])
        r['restart_median'], r['restart_max'] = statistics.median(lat), max(lat)
        time.sleep(cfg['settle'])
        # Memory once the supervisor has worked (the restarts above), not only idle since its start: what start-up
        # gave back and a restart needs again is resident again here.
        r['mem100_worked'] = procfs.memory(peer.supervisors(snapshot()))
        r['status_ms'] = timed_runs(peer.status_argv(), peer.env, cfg['status_runs'])
        r['status_label'] = peer.status_label()
        snap = snapshot()
        sups, kids = peer.supervisors(snap), peer.children(snap)
        t = time.monotonic()
        peer.stop()
        r['stop100'] = time.monotonic() - t if wait_gone(peer, sups, kids) else None
        print(f'  100 children: started in {started:.3f} s, RSS/PSS {r["mem100"][0]:.1f}/{r["mem100"][1]:.1f} MiB, '
              f'idle CPU {r["idle_cpu"]:.2f} s, restart median {r["restart_median"]:.1f} ms', flush=True)
    session(make, 100, hundred)

    if cfg['big']:
        def big(peer, started):
            r['start500'] = started
            time.sleep(cfg['settle'])
            r['mem500'] = procfs.memory(peer.supervisors(snapshot()))
        session(make, cfg['big'], big)

    r.update(crash_loop(make, cfg['crash_window']))
    r['version'] = make(tempfile.gettempdir()).version()
    results[name] = r


def crash_loop(make, window):
    """One child that exits 1 at once, default restart settings: starts per second over the window, starts in
    its last quarter (0 = the supervisor gave up), the supervisor's CPU."""
    work = tempfile.mkdtemp(prefix='supbench-crash-')
    peer = make(work)
    if isinstance(peer, Sup):
        peer.backoff_base = None  # sup's default: the Kubernetes CrashLoopBackOff (10 s doubling to 300 s)
    counter = os.path.join(work, 'starts')
    open(counter, 'w').close()
    peer.write(1, crash_file=counter)
    peer.start()
    try:
        deadline = time.monotonic() + 10
        while os.path.getsize(counter) == 0 and time.monotonic() < deadline:
            time.sleep(0.001)
        sups = peer.supervisors(snapshot())
        cpu0 = procfs.cpu_seconds(sups)
        t0 = time.monotonic()
        time.sleep(window * 0.75)
        at_three_quarters = os.path.getsize(counter) // 2
        time.sleep(window * 0.25)
        starts = os.path.getsize(counter) // 2  # each start appends ".\n"
        elapsed = time.monotonic() - t0
        cpu = procfs.cpu_seconds(peer.supervisors(snapshot()) or sups) - cpu0
        return {'crash_starts': starts, 'crash_rate': starts / elapsed, 'crash_late': starts - at_three_quarters,
                'crash_cpu': cpu / elapsed * 100, 'crash_window': elapsed}
    finally:
        snap = snapshot()
        sups = peer.supervisors(snap)
        try:
            peer.stop()
        except Exception as e:  # noqa: BLE001
            print(f'  {peer.name}: stop failed: {e}', file=sys.stderr)
        wait_gone(peer, sups, [], 30)
        sweep()
        shutil.rmtree(work, ignore_errors=True)


def install_peers():
    # wrk is not a peer: service.py (one of the HOOKS) measures the Service proxy with it.
    missing = [pkg for pkg, exe in [('supervisor', 'supervisord'), ('runit', 'runsvdir'), ('s6', 's6-svscan'), ('wrk', 'wrk')]
               if not shutil.which(exe)]
    if missing:
        print(f'installing {" ".join(missing)} (apt-get)', flush=True)
        run_quiet(['apt-get', 'update'])
        # policy-rc.d (where present) keeps the packages from starting their system services; nothing is enabled.
        run_quiet(['apt-get', 'install', '-y', *missing], env=dict(os.environ, DEBIAN_FRONTEND='noninteractive'))
    if not shutil.which('pm2'):
        print('installing pm2 (npm install -g pm2)', flush=True)
        run_quiet(['npm', 'install', '-g', 'pm2'])


HOOKS = [
    # (what, script, its arguments, also run with --before's sup)
    ('Probe overhead, 1,000 HTTP probes/s (restarts under them, stop with 500 probed containers)', 'probes.py', ['--restarts', '20'], True),
    ('Exec probes in image pods (podman, busybox:1.28)', 'probes.py', ['--probe', 'exec', '--image', 'busybox:1.28', '--pods', '50', '--containers', '1', '--restarts', '0', '--kills', '3', '--seconds', '20'], False),
    ('Service proxy throughput', 'service.py', [], False),
    ('Control plane with 1,000 pods', 'control_plane.py', ['--pods', '1000', '--runs', '10'], True),
    ('CronJob lateness', 'cron.py', [], False),
    ('Image pod start (podman)', 'engines.py', ['--engines', 'podman', '--runs', '3', '--pods', '10'], False),
]


def hooks(sup, before=None):
    """The sup-only benchmarks other scripts own: run each when it exists (and, for those marked, with the earlier
    sup too). Returns (what, script, label, output or None)."""
    out = []
    here = os.path.dirname(os.path.abspath(__file__))
    # The image-pod scripts run podman as the tests do: with the repository's configuration (runc, no registry) unless
    # the caller gave one. Without it podman's defaults (crun, not installed here) left "image pods did not start".
    env = dict(os.environ)
    for name, file in [('CONTAINERS_CONF', 'containers.conf'), ('CONTAINERS_REGISTRIES_CONF', 'registries.conf')]:
        if name not in env and os.path.exists(os.path.join(ROOT, '.ci', file)):
            env[name] = os.path.join(ROOT, '.ci', file)
    for what, script, extra, twice in HOOKS:
        path = os.path.join(here, script)
        if not os.path.exists(path):
            out.append((what, script, 'sup', None))
            continue
        for label, binary in [('sup', sup)] + ([('sup before', before)] if before and twice else []):
            print(f'== {script} {" ".join(extra)} ({label})', flush=True)
            try:
                p = subprocess.run([sys.executable, path, '--sup', binary, *extra], capture_output=True, text=True, timeout=1200, env=env)
                text = p.stdout.strip() + ('' if p.returncode == 0 else f'\n(exit {p.returncode}) {p.stderr.strip()[-500:]}')
            except subprocess.TimeoutExpired:
                text = '(did not finish within 20 minutes)'
            out.append((what, script + (' ' + ' '.join(extra) if extra else ''), label, text))
    return out


def figure(pattern, text, group=1):
    m = re.search(pattern, text or '')
    return float(m.group(group)) if m else None


def hook_text(hook_out, script, label='sup'):
    return next((t for _, s, l, t in hook_out if s.split(' ')[0] == script and l == label and t and '--probe exec' not in s), None)


def targets23(s, results, hook_out):
    """Issue 23's targets, each marked met or not, from this run's figures."""
    verdict = lambda ok: '–' if ok is None else ('**met**' if ok else '**not met**')  # noqa: E731
    rows = []
    s6, runit = results.get('s6', {}), results.get('runit', {})
    if s.get('mem100'):
        # Met only when it holds once the daemon has worked as well as idle since its start.
        worked = s.get('mem100_worked')
        rows.append(('Daemon RSS with 100 pods ≤ 40 MiB (idle since start; after the restarts)',
                     f'{s["mem100"][0]:.1f} MiB; ' + ('–' if worked is None else f'{worked[0]:.1f} MiB'),
                     s['mem100'][0] <= 40 and (worked is None or worked[0] <= 40)))
    if s.get('mem500') and s.get('mem100'):
        per = (s['mem500'][0] - s['mem100'][0]) * 1024 / 400
        rows.append(('500 pods ≤ 52 MiB, ≤ 30 KiB per extra pod', f'{s["mem500"][0]:.1f} MiB, {per:.0f} KiB per pod over 100', s['mem500'][0] <= 52 and per <= 30))
    if s.get('start100') is not None:
        rows.append(('Start → 100 pods running ≤ s6\'s', f'{s["start100"]:.3f} s vs s6 {s6.get("start100") or float("nan"):.3f} s',
                     None if s6.get('start100') is None else s['start100'] <= s6['start100']))
    if s.get('start500') is not None:
        rows.append(('Start → 500 pods running ≤ 1.0 s', f'{s["start500"]:.3f} s', s['start500'] <= 1.0))
    if s.get('restart_median') is not None:
        rows.append(('Restart (idle) median ≤ runit\'s, max ≤ 10 ms', f'{s["restart_median"]:.1f} / {s["restart_max"]:.1f} ms vs runit '
                     f'{runit.get("restart_median") or float("nan"):.1f} / {runit.get("restart_max") or float("nan"):.1f} ms',
                     None if runit.get('restart_median') is None else s['restart_median'] <= runit['restart_median'] and s['restart_max'] <= 10))
    probes = hook_text(hook_out, 'probes.py')
    if probes:
        m = re.search(r'restart after kill -9 under the probes.*median ([\d.]+) ms, max ([\d.]+) ms', probes)
        if m:
            median, top = float(m.group(1)), float(m.group(2))
            rows.append(('Restart under 1,000 probes/s: median ≤ runit\'s, max ≤ 10 ms', f'{median:.1f} / {top:.1f} ms',
                         None if runit.get('restart_median') is None else median <= runit['restart_median'] and top <= 10))
        rate, cpu = figure(r'probes served: (\d+)/s', probes), figure(r'daemon CPU: ([\d.]+)%', probes)
        if rate and cpu is not None:
            rows.append(('1,000 HTTP probes/s ≤ 10 % of a core', f'{cpu:.1f} % at {rate:.0f}/s', cpu * 1000 / rate <= 10))
        stop = figure(r'SIGTERM -> daemon exit: ([\d.]+) s', probes)
        if stop is not None:
            rows.append(('Exit within 1 s (+ the pods\' grace, unused: sleep ends on SIGTERM) with 500 probed containers', f'{stop:.2f} s', stop <= 1.0))
    service = hook_text(hook_out, 'service.py')
    for path, floor, extra in [('kernel', 0.8, 0.2), ('userspace', 0.5, None)]:
        m = re.search(path + r' path:.*?ratio\s+([\d.]+) of direct throughput; added latency p50 ([+-][\d.]+) ms', service or '', re.S)
        if m:
            ratio, added = float(m.group(1)), float(m.group(2))
            want = f'≥ {floor} of direct' + (f', ≤ +{extra} ms p50' if extra else '')
            rows.append((f'Service, {path} path: {want}', f'{ratio:.2f}, {added:+.3f} ms', ratio >= floor and (extra is None or added <= extra)))
    control = hook_text(hook_out, 'control_plane.py')
    got = figure(r'sup get pods: median ([\d.]+) ms', control)
    if got is not None:
        rows.append(('`sup get pods` with 1,000 pods ≤ 50 ms', f'{got:.1f} ms', got <= 50))
    lines = ['## Targets (issue 23)', '', '| Target | Measured | |', '|---|---|---|']
    lines += [f'| {t} | {m} | {verdict(ok)} |' for t, m, ok in rows]
    return lines + ['', 'Memory with no growth over 30 minutes with probes: `python3 bench/soak.py` (not part of this run).', '']


def machine():
    cpu = next((l.split(':', 1)[1].strip() for l in open('/proc/cpuinfo') if l.startswith('model name')), '?')
    mem = next(int(l.split()[1]) for l in open('/proc/meminfo') if l.startswith('MemTotal'))
    debian = open('/etc/debian_version').read().strip() if os.path.exists('/etc/debian_version') else '?'
    dotnet = subprocess.run(['dotnet', '--version'], capture_output=True, text=True).stdout.strip() if shutil.which('dotnet') else '?'
    return (f'{os.cpu_count()} cores ({cpu}), {mem / 1024 / 1024:.0f} GiB, Debian {debian}, Linux {platform.release()}, '
            f'.NET SDK {dotnet}')


def fmt_mem(m, pss_only=False):
    return '–' if m is None else (f'PSS {m[1]:.1f}' if pss_only else f'{m[0]:.1f} / {m[1]:.1f}')


def write_results(path, results, breakdown, hook_out, cfg, sup):
    names = list(results)
    peers = [n for n in names if not n.startswith('sup')]
    s = results.get('sup', {})
    g = lambda n, k: results[n].get(k)  # noqa: E731
    f3 = lambda v: '–' if v is None else f'{v:.3f} s'  # noqa: E731
    lines = [
        '# sup against its peers',
        '',
        f'Generated by `python3 bench/peers.py{" --quick" if cfg["quick"] else ""}` on {datetime.datetime.now():%Y-%m-%d %H:%M}.',
        f'Machine: {machine()}. Load average (1 min) at the start / end of the run: {cfg["load_start"]:.2f} / {os.getloadavg()[0]:.2f}: '
        'other work shares the cores, so compare the columns of one run, not figures across runs.',
        '',
        'Versions: ' + '; '.join(f'{n}: {g(n, "version")}' for n in names) + '.',
        '',
        'Children are `sleep infinity`. Memory is the supervisor\'s own processes summed (runit and s6 run one '
        'supervise process per child, so their summed RSS counts shared pages many times: read their PSS). '
        'Restart latency: kill -9 of a child → a new child pid (each kill a different child: its first restart; '
        'sup with `--backoff-base 0`, supervisord `startsecs=0`, PM2 `restart_delay: 0`). Crash loop: a child that '
        'exits 1 at once, every supervisor with its default restart settings.',
        '',
        '| Metric | ' + ' | '.join(names) + ' |',
        '|---|' + '---|' * len(names),
        '| Memory, 1 child: RSS / PSS MiB | ' + ' | '.join(fmt_mem(g(n, 'mem1')) for n in names) + ' |',
        '| Memory, 100 children: RSS / PSS MiB | ' + ' | '.join(fmt_mem(g(n, 'mem100')) for n in names) + ' |',
        f'| Memory, 100 children, after the {cfg["kills"]} restarts below: RSS / PSS MiB | ' + ' | '.join(fmt_mem(g(n, 'mem100_worked')) for n in names) + ' |',
        f'| Memory, {cfg["big"]} children: RSS / PSS MiB | ' + ' | '.join(fmt_mem(g(n, 'mem500')) for n in names) + ' |' if cfg['big'] else None,
        '| Start → 100 children running | ' + ' | '.join(f3(g(n, 'start100')) for n in names) + ' |',
        f'| Start → {cfg["big"]} children running | ' + ' | '.join(f3(g(n, 'start500')) for n in names) + ' |' if cfg['big'] else None,
        f'| CPU over {cfg["idle"]} s idle, 100 children | ' + ' | '.join(f'{g(n, "idle_cpu"):.2f} s' for n in names) + ' |',
        f'| Restart after kill -9, median / max of {cfg["kills"]} | ' + ' | '.join(f'{g(n, "restart_median"):.1f} / {g(n, "restart_max"):.1f} ms' for n in names) + ' |',
        '| Status command, 100 children (median wall time) | ' + ' | '.join(f'{g(n, "status_ms"):.1f} ms (`{g(n, "status_label")}`)' for n in names) + ' |',
        '| Stop 100 children (signal → all gone) | ' + ' | '.join(f3(g(n, 'stop100')) for n in names) + ' |',
        f'| Crash loop: starts in {cfg["crash_window"]} s / in its last quarter / supervisor CPU | ' + ' | '.join(
            f'{g(n, "crash_starts")} / {g(n, "crash_late")} / {g(n, "crash_cpu"):.1f} %' for n in names) + ' |',
        '',
    ]
    lines = [l for l in lines if l is not None]
    if s and peers:
        lines += ['## sup relative to each peer', '', 'sup ÷ peer (below 1: sup uses less / is faster).', '',
                  '| Metric | ' + ' | '.join(peers) + ' |', '|---|' + '---|' * len(peers)]

        def ratio(key, idx=None):
            def one(n):
                a, b = s.get(key), g(n, key)
                if idx is not None:
                    a, b = (a[idx] if a else None), (b[idx] if b else None)
                return '–' if not a or not b else f'{a / b:.2f}'
            return ' | '.join(one(n) for n in peers)
        lines += [f'| RSS, 100 children | {ratio("mem100", 0)} |', f'| PSS, 100 children | {ratio("mem100", 1)} |',
                  f'| RSS, 100 children, after the restarts | {ratio("mem100_worked", 0)} |']
        if cfg['big']:
            lines.append(f'| PSS, {cfg["big"]} children | {ratio("mem500", 1)} |')
        lines += [f'| Start → 100 running | {ratio("start100")} |',
                  f'| Restart latency (median) | {ratio("restart_median")} |',
                  f'| Status command | {ratio("status_ms")} |',
                  f'| Stop 100 children | {ratio("stop100")} |', '']
    b = results.get('sup before', {})
    if s and b:
        def change(key, idx=None, unit=''):
            a, c = b.get(key), s.get(key)
            if idx is not None:
                a, c = (a[idx] if a else None), (c[idx] if c else None)
            return '–' if not a or c is None else f'{a:.3g}{unit} → {c:.3g}{unit} ({c / a:.2f})'
        lines += ['## sup before → after', '', f'`sup before`: {b.get("version")}; `sup`: {s.get("version")}; after ÷ before in brackets.', '',
                  '| Metric | before → after |', '|---|---|',
                  f'| RSS, 100 pods | {change("mem100", 0, " MiB")} |', f'| PSS, 100 pods | {change("mem100", 1, " MiB")} |',
                  f'| RSS, 100 pods, after the restarts | {change("mem100_worked", 0, " MiB")} |']
        if cfg['big']:
            lines.append(f'| RSS, {cfg["big"]} pods | {change("mem500", 0, " MiB")} |')
            lines.append(f'| Start → {cfg["big"]} running | {change("start500", None, " s")} |')
        lines += [f'| Start → 100 running | {change("start100", None, " s")} |',
                  f'| Restart latency median / max | {change("restart_median", None, " ms")} / {change("restart_max", None, " ms")} |',
                  f'| `sup get pods`, 100 pods | {change("status_ms", None, " ms")} |',
                  f'| Stop 100 | {change("stop100", None, " s")} |', '']
    if s:
        sd = results.get('supervisord', {}).get('mem100')
        verdict = lambda ok: '**met**' if ok else '**not met**'  # noqa: E731
        lines += ['## Targets (issue 7)', '', '| Target | Measured | |', '|---|---|---|']
        if sd:
            lines.append(f'| Daemon RSS with 100 children ≤ supervisord\'s | {s["mem100"][0]:.1f} MiB vs {sd[0]:.1f} MiB | {verdict(s["mem100"][0] <= sd[0])} |')
        lines += [f'| Restart latency median ≤ 5 ms | {s["restart_median"]:.1f} ms | {verdict(s["restart_median"] <= 5)} |',
                  f'| 100 pods running ≤ 0.3 s after start | {s["start100"]:.3f} s | {verdict(s["start100"] <= 0.3)} |',
                  f'| Idle CPU ~0 with no probes (≤ 0.1 % of a core) | {s["idle_cpu"]:.2f} s in {cfg["idle"]} s | {verdict(s["idle_cpu"] <= cfg["idle"] / 1000)} |', '']
    if breakdown:
        total = sum(v[0] for v in breakdown.values())
        lines += ['## Where sup\'s memory goes (100 pods, /proc/PID/smaps)', '',
                  '| Mapping | RSS KiB | PSS KiB | Private dirty KiB |', '|---|---|---|---|']
        for k, v in sorted(breakdown.items(), key=lambda kv: -kv[1][0]):
            if v[0] >= 64:
                lines.append(f'| {k} | {v[0]} | {v[1]} | {v[2]} |')
        small = [v for v in breakdown.values() if v[0] < 64]
        lines += [f'| (mappings under 64 KiB each, {len(small)}) | {sum(v[0] for v in small)} | {sum(v[1] for v in small)} | {sum(v[2] for v in small)} |',
                  f'| **total** | {total} | {sum(v[1] for v in breakdown.values())} | {sum(v[2] for v in breakdown.values())} |', '']
    if s:
        lines += targets23(s, results, hook_out)
    lines += ['## sup only', '']
    for what, script, label, text in hook_out:
        if text is None:
            lines.append(f'- {what}: `bench/{script}` does not exist yet; this script runs it when it does.')
        else:
            lines += [f'### {what} (`bench/{script}`, {label})', '', '```', text, '```', '']
    lines += ['', f'sup binary: `{sup}`', '']
    with open(path, 'w') as f:
        f.write('\n'.join(lines))


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--sup', help='a published sup (sup-daemon next to it); default: dotnet publish -c Release')
    ap.add_argument('--quick', action='store_true', help='short windows, no 500-children run (development)')
    ap.add_argument('--only', help='comma-separated subset: sup,supervisord,runit,s6,PM2')
    ap.add_argument('--out', default=os.path.join(ROOT, 'bench', 'RESULTS.md'))
    ap.add_argument('--no-install', action='store_true')
    ap.add_argument('--before', help='a published sup of an earlier commit: measured in the same run as "sup before" '
                                     '(the peers\' table, probes.py and control_plane.py), for a before/after comparison')
    args = ap.parse_args()
    cfg = dict(quick=args.quick, settle=1 if args.quick else 3, idle=5 if args.quick else 60, kills=5 if args.quick else 20,
               status_runs=5 if args.quick else 15, big=0 if args.quick else 500, crash_window=8 if args.quick else 20)
    if not args.no_install:
        install_peers()
    cfg['load_start'] = os.getloadavg()[0]
    build = tempfile.mkdtemp(prefix='supbench-build-')
    if not args.sup:
        print('publishing sup (Release, NativeAOT)', flush=True)
    sup = os.path.abspath(sup_binary(args.sup, build))
    makers = {
        'sup': lambda w: Sup(w, sup, 0),
        'supervisord': Supervisord,
        'runit': Runit,
        's6': S6,
        'PM2': Pm2,
    }
    if args.before:
        before = os.path.abspath(args.before)
        makers = {'sup before': lambda w: Sup(w, before, 0, name='sup before'), **makers}
    only = args.only.split(',') if args.only else list(makers)
    results, breakdown = {}, {}
    try:
        for name in only:
            measure_peer(makers[name], cfg, results, breakdown)
    finally:
        left = sweep()
        if left:
            print(f'{left} leftover process(es) killed', file=sys.stderr)
    hook_out = hooks(sup, os.path.abspath(args.before) if args.before else None) if 'sup' in only else []
    write_results(args.out, results, breakdown.get('sup'), hook_out, cfg, sup if args.sup else 'published by this run')
    print(f'wrote {args.out}')


if __name__ == '__main__':
    main()
