namespace MiniKube.Sup.Runtime;

/// <summary>A container's k8s <c>stdin</c>, <c>stdinOnce</c> and <c>tty</c>: whether the runtime keeps a stdin open
/// for it that kubectl attach writes into (closed after the first attach with stdinOnce), and whether it runs on a
/// terminal (its stdin, stdout and stderr, which kubectl attach -t resizes).</summary>
public sealed record ContainerStdio(bool Stdin, bool StdinOnce, bool Tty)
{
    public static readonly ContainerStdio None = new(false, false, false);
}
