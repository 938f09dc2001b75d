namespace MiniKube.Sup.Runtime.Engine;

/// <summary>How one engine command ended: its exit code and what it printed.</summary>
public sealed record EngineResult(int ExitCode, string Output, string Error)
{
    public bool Succeeded => ExitCode == 0;

    /// <summary>What went wrong, as one line for an event or a status message: the engine's last error line,
    /// without its "Error: " prefix (docker's: "Error response from daemon: ").</summary>
    public string Problem
    {
        get
        {
            var line = Error.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                .LastOrDefault(l => !l.StartsWith("time=", StringComparison.Ordinal)) ?? $"exit code {ExitCode}";
            foreach (var prefix in new[] { "Error: ", "Error response from daemon: " })
                if (line.StartsWith(prefix, StringComparison.Ordinal)) return line[prefix.Length..];
            return line;
        }
    }

    /// <summary>The first line of the output (the id podman prints, a --format value).</summary>
    public string FirstLine => Output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).FirstOrDefault() ?? "";
}
