using MiniKube.Sup.Client.Terminal;
using MiniKube.Sup.Runtime;

namespace MiniKube.Sup.Daemon.Hosting;

/// <summary>The containers' merged output while the live view is on: the lines <see cref="ConsoleContainerOutput"/>
/// prints, through the <see cref="LiveScreen"/> (which may hold them, or drop another pod's).</summary>
internal sealed class LiveContainerOutput(LiveScreen screen) : IContainerOutput
{
    private readonly bool _colour = TerminalScreen.Colour;

    public void WriteLine(string pod, string container, string line) =>
        screen.WriteLine(ConsoleContainerOutput.Format(pod, container, line, _colour), pod);
}
