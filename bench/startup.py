#!/usr/bin/env python3
"""Start and stop only, alternated, for a quick before/after: sup (and an earlier sup) beside s6 and runit.

    python3 bench/startup.py --sup PATH [--before PATH] [--peers s6,runit] [--pods 100] [--runs 5]

Each run starts every supervisor in turn with --pods `sleep infinity` children (peers.py's configuration, its 1 ms
/proc poll) and times start -> every child running, then SIGTERM -> the supervisor and its children gone. Runs
alternate (sup, sup before, s6, runit, sup, ...), so that this machine's drift falls on every column alike; medians and
every run are printed. The full comparison (memory, restarts, status, crash loop) is peers.py's: this is the part of
it a start-up change needs, in a few minutes.
"""
import argparse, os, statistics, sys, time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import peers  # noqa: E402


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--sup', required=True, help='a published sup (NativeAOT)')
    ap.add_argument('--before', help='an earlier published sup, measured alternately as "sup before"')
    ap.add_argument('--peers', default='s6', help='comma-separated: s6, runit (none: "")')
    ap.add_argument('--pods', type=int, default=100)
    ap.add_argument('--runs', type=int, default=5)
    args = ap.parse_args()

    makers = {'sup': lambda w: peers.Sup(w, args.sup, None)}
    if args.before:
        makers['sup before'] = lambda w: peers.Sup(w, args.before, None, name='sup before')
    known = {'s6': peers.S6, 'runit': peers.Runit}
    for name in filter(None, args.peers.split(',')):
        makers[name] = known[name]

    def timed(peer, started):
        snap = peers.snapshot()
        sups, kids = peer.supervisors(snap), peer.children(snap)
        t = time.monotonic()
        peer.stop()
        stopped = time.monotonic() - t if peers.wait_gone(peer, sups, kids) else float('nan')
        return started, stopped

    starts = {name: [] for name in makers}
    stops = {name: [] for name in makers}
    for run in range(args.runs):
        for name, make in makers.items():
            started, stopped = peers.session(make, args.pods, timed)
            starts[name].append(started)
            stops[name].append(stopped)
        print(f'run {run + 1}/{args.runs} done', file=sys.stderr, flush=True)

    def row(values):
        return f'{statistics.median(values):.3f} s ({" ".join(f"{v:.3f}" for v in values)})'

    print(f'| {args.pods} `sleep` children | start -> all running, median (runs) | SIGTERM -> all gone, median (runs) |')
    print('|---|---|---|')
    for name in makers:
        print(f'| {name} | {row(starts[name])} | {row(stops[name])} |')


if __name__ == '__main__':
    main()
