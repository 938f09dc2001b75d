using System.Text.Json;
using MiniKube.Sup.Runtime;

namespace MiniKube.Sup.Daemon.Hosting.Logging;

/// <summary>Container output on the daemon's console as one JSON object per line (--log-format json).</summary>
internal sealed class JsonContainerOutput(TimeProvider time, TextWriter output) : IContainerOutput
{
    public void WriteLine(string pod, string container, string line) => WriteLine(Store.ObjectKey.DefaultNamespace, pod, container, line);

    public void WriteLine(string @namespace, string pod, string container, string line)
    {
        var record = new ContainerLogRecord(LogJsonContext.Time(time.GetUtcNow()), @namespace, pod, container, "stdout", line);
        // One WriteLine per record: the console writer is synchronized, so lines never interleave.
        output.WriteLine(JsonSerializer.Serialize(record, LogJsonContext.Lines.ContainerLogRecord));
    }
}
