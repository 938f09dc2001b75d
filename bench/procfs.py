"""Reading /proc for the benchmarks: process trees, memory (smaps), CPU time, environments."""
import os

TICKS = os.sysconf('SC_CLK_TCK')


def stat(pid):
    """(comm, state, ppid, utime+stime in ticks) of a process, or None when it is gone."""
    try:
        with open(f'/proc/{pid}/stat') as f:
            raw = f.read()
    except OSError:
        return None
    comm = raw[raw.index('(') + 1:raw.rindex(')')]
    fields = raw[raw.rindex(')') + 2:].split()
    return comm, fields[0], int(fields[1]), int(fields[11]) + int(fields[12])


def pids():
    return [int(p) for p in os.listdir('/proc') if p.isdigit()]


def children_of(parents, comm=None, among=None):
    """Live (non-zombie) processes whose parent is in `parents` (optionally only those named `comm`), looked for
    among the given pids (all of /proc by default)."""
    found = []
    for pid in (pids() if among is None else among):
        s = stat(pid)
        if s and s[2] in parents and s[1] != 'Z' and (comm is None or s[0] == comm):
            found.append(pid)
    return found


def cpu_seconds(pid_list):
    return sum((stat(p) or (0, 0, 0, 0))[3] for p in pid_list) / TICKS


def memory(pid_list):
    """Summed (RSS, PSS) in MiB of the processes, from smaps_rollup."""
    rss = pss = 0
    for pid in pid_list:
        try:
            with open(f'/proc/{pid}/smaps_rollup') as f:
                for line in f:
                    if line.startswith('Rss:'):
                        rss += int(line.split()[1])
                    elif line.startswith('Pss:'):
                        pss += int(line.split()[1])
        except OSError:
            pass
    return rss / 1024, pss / 1024


def smaps_breakdown(pid):
    """Where a process's memory is: {group: (rss KiB, pss KiB)} over /proc/PID/smaps. Groups: the executable
    image, shared libraries (each named), anonymous memory (GC heap, native heap, thread stacks: one group, since
    .NET maps its heap anonymously), [heap] (brk), [stack], other."""
    exe = os.path.realpath(f'/proc/{pid}/exe')
    groups = {}
    name = None
    with open(f'/proc/{pid}/smaps') as f:
        for line in f:
            head = line.split(None, 5)
            if len(head) >= 5 and '-' in head[0] and not head[0].endswith(':'):
                path = head[5].strip() if len(head) > 5 else ''
                if path == exe:
                    name = 'executable image (' + os.path.basename(exe) + ')'
                elif path.startswith('/') and '.so' in path:
                    name = 'lib ' + os.path.basename(path)
                elif path.startswith('/'):
                    name = 'other file ' + os.path.basename(path)
                elif path in ('', '[anon]') or path.startswith('[anon:'):
                    name = 'anonymous (GC heap, native heap, thread stacks)'
                else:
                    name = path
                groups.setdefault(name, [0, 0, 0, 0])
            elif line.startswith('Rss:'):
                groups[name][0] += int(line.split()[1])
            elif line.startswith('Pss:'):
                groups[name][1] += int(line.split()[1])
            elif line.startswith('Private_Dirty:'):
                groups[name][2] += int(line.split()[1])
            elif line.startswith('Anonymous:'):
                groups[name][3] += int(line.split()[1])
    return groups


def environ_has(pid, needle):
    try:
        with open(f'/proc/{pid}/environ', 'rb') as f:
            return needle in f.read()
    except OSError:
        return False
