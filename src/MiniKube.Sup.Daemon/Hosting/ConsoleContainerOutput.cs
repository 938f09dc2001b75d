using MiniKube.Sup.Runtime;

namespace MiniKube.Sup.Daemon.Hosting;

/// <summary>Merged container output on the daemon's console, each line prefixed "pod/container |", coloured
/// per pod when stdout is a terminal.</summary>
internal sealed class ConsoleContainerOutput : IContainerOutput
{
    private static readonly string[] Colours = ["\e[36m", "\e[33m", "\e[35m", "\e[32m", "\e[34m", "\e[91m", "\e[96m", "\e[93m"];
    private readonly bool _colour = !Console.IsOutputRedirected && Environment.GetEnvironmentVariable("NO_COLOR") is null;
    private readonly Lock _gate = new();

    public void WriteLine(string pod, string container, string line)
    {
        lock (_gate) Console.Out.WriteLine(Format(pod, container, line, _colour));
    }

    /// <summary>"pod/container | line", the prefix in the pod's colour when <paramref name="colour"/>.</summary>
    public static string Format(string pod, string container, string line, bool colour)
    {
        var prefix = $"{pod}/{container} |";
        if (colour)
        {
            var code = Colours[(int)((uint)StringComparer.Ordinal.GetHashCode(pod) % Colours.Length)];
            prefix = $"{code}{prefix}\e[0m";
        }
        return $"{prefix} {line}";
    }
}
