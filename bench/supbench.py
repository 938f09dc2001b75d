"""What the benchmark scripts share: getting a NativeAOT sup and writing a manifest of sleeping pods."""
import hashlib, os, subprocess

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

def sup_binary(given, work):
    """The sup to measure: the one given, else a fresh `dotnet publish` (sup and sup-daemon) into work/bin."""
    if given:
        return given
    subprocess.run(['dotnet', 'publish', os.path.join(ROOT, 'src/MiniKube.Sup.Cli'), '-c', 'Release', '-o', os.path.join(work, 'bin')],
                   check=True, stdout=subprocess.DEVNULL)
    return os.path.join(work, 'bin', 'sup')

def sleep_pods(work, count):
    """A manifest of `count` pods, each one `sleep infinity` container; returns its path."""
    path = os.path.join(work, 'pods.yaml')
    with open(path, 'w') as f:
        for i in range(count):
            f.write(f"---\napiVersion: v1\nkind: Pod\nmetadata:\n  name: sleeper-{i}\nspec:\n  containers:\n"
                    f"    - name: app\n      command: [\"sleep\", \"infinity\"]\n")
    return path

def daemon_id(state_dir):
    """The id sup gives a state dir (StatePaths.DaemonId): it starts every SUP_OWNER mark of that daemon."""
    return hashlib.sha256(os.path.abspath(state_dir).encode()).hexdigest()[:12]
