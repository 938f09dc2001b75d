#!/usr/bin/env python3
"""A restart with many stored objects (issue 19): how long the daemon takes, from exec to its API answering, on a
state dir holding N objects that clients created (ConfigMaps made through the API, so that a restart with a small
manifest keeps them), and how long the first `sup get cm` of them all takes.

    python3 bench/large_store.py [--sup PATH] [--objects 100000] [--runs 5]

Without --sup it publishes the NativeAOT binary first. The state is built once: a daemon applies a manifest of N
ConfigMaps, and their rows are then marked as the API's (source 'api') with sqlite3, as `sup apply` would have left
them (creating 100,000 objects one request at a time takes longer than the measurement is worth)."""
from supbench import sup_binary
import argparse, os, signal, socket, sqlite3, statistics, subprocess, sys, tempfile, time

def answers(sock_path):
    try:
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as s:
            s.settimeout(1)
            s.connect(sock_path)
            s.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
            return s.recv(64).startswith(b"HTTP/1.1 200")
    except OSError:
        return False

def wait_gone(proc):
    proc.send_signal(signal.SIGTERM)
    proc.wait(timeout=300)

def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--sup')
    ap.add_argument('--objects', type=int, default=100000)
    ap.add_argument('--runs', type=int, default=5)
    args = ap.parse_args()
    work = tempfile.mkdtemp(prefix='sup-bench-store-')
    sup = sup_binary(args.sup, work)
    big, small = os.path.join(work, 'big.yaml'), os.path.join(work, 'small.yaml')
    with open(big, 'w') as f:
        for i in range(args.objects):
            f.write(f"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm-{i}\n  labels: {{app: bulk}}\ndata:\n  key: value-{i}\n---\n")
    with open(small, 'w') as f:
        f.write("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: one\ndata:\n  a: b\n")
    state = os.path.join(work, 'state')
    sock = os.path.join(state, 'sup.sock')
    base = [sup, 'run', '--state-dir', state, '--container-engine', 'none']
    t = time.perf_counter()
    daemon = subprocess.Popen([*base, '-f', big], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    while not answers(sock):
        if daemon.poll() is not None:
            sys.exit('the daemon exited while applying the objects')
        time.sleep(0.1)
    print(f"sup: {sup}\nobjects: {args.objects}\nfirst start, applying them from a manifest: {time.perf_counter() - t:.1f} s")
    wait_gone(daemon)
    with sqlite3.connect(os.path.join(state, 'sup.db')) as db:
        db.execute("UPDATE objects SET source = 'api' WHERE kind = 'ConfigMap'")
    starts, lists = [], []
    for _ in range(args.runs):
        t = time.perf_counter()
        daemon = subprocess.Popen([*base, '-f', small], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        while not answers(sock):
            if daemon.poll() is not None:
                sys.exit('the daemon exited at start:\n' + daemon.stdout.read())
            time.sleep(0.005)
        starts.append(time.perf_counter() - t)
        t = time.perf_counter()
        out = subprocess.run([sup, 'get', 'cm', '--state-dir', state], capture_output=True, text=True, check=True).stdout
        lists.append(time.perf_counter() - t)
        if out.count('\n') < args.objects:
            sys.exit(f'sup get cm listed {out.count(chr(10))} lines, expected {args.objects}+')
        wait_gone(daemon)
        loaded = [l for l in daemon.stdout.read().splitlines() if 'state:' in l]
    print(f"restart → API answers: median {statistics.median(starts):.2f} s, max {max(starts):.2f} s over {args.runs} runs")
    print(f"then sup get cm (all {args.objects}): median {statistics.median(lists):.2f} s")
    if loaded:
        print(f"daemon's own line: {loaded[-1].split(' ', 2)[-1]}")
    subprocess.run(['rm', '-rf', work])

if __name__ == '__main__':
    main()
