#!/usr/bin/env python3
"""What a host container's isolation adds to its start (issue 17): the exec chain sup spawns for a container with a
user (setpriv) or a mount namespace of its own (unshare + the fixed sh script of IsolatedCommand.cs, read from the
source), against the program alone. Needs root (mount namespaces, setpriv to another uid).

    sudo python3 bench/host_isolation.py [--runs 200]
"""
import argparse, os, re, statistics, subprocess, tempfile, time

HERE = os.path.dirname(os.path.abspath(__file__))
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


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument('--runs', type=int, default=200)
    runs = parser.parse_args().runs
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
