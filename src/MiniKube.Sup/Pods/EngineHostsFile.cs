using System.Text;
using MiniKube.Sup.Runtime;

namespace MiniKube.Sup.Pods;

/// <summary>
/// An image pod's /etc/hosts as its engine keeps it on the host (podman: the infra container's, which the pod's
/// containers share; docker: the pause container's, whose network they join), rewritten with the names the pod should
/// resolve now. The engine's own lines stay as they are (localhost, the pod's hostname, each container's name as
/// podman adds it at its start); the Services' lines are ours, each marked with a trailing <see cref="Mark"/>, and are
/// replaced as a whole. The lines the engine wrote from the sandbox's <c>--add-host</c> Service entries are ours too:
/// they go at the first rewrite.
/// </summary>
public static class EngineHostsFile
{
    /// <summary>A comment to the end of the line, which every resolver skips.</summary>
    public const string Mark = "# sup";

    /// <param name="engineText">the file as it is</param>
    /// <param name="created">the Service entries the sandbox was made with (<c>--add-host</c>)</param>
    /// <param name="services">the entries it should hold now</param>
    public static string Merge(string engineText, IEnumerable<HostEntry> created, IEnumerable<HostEntry> services)
    {
        var added = created.Select(e => $"{e.Ip}\t{e.Name}").ToHashSet(StringComparer.Ordinal);
        var text = new StringBuilder();
        var lines = engineText.Split('\n');
        var count = engineText.EndsWith('\n') ? lines.Length - 1 : lines.Length;
        foreach (var line in lines.Take(count))
        {
            var trimmed = line.TrimEnd();
            if (trimmed.EndsWith(Mark, StringComparison.Ordinal) || added.Contains(trimmed)) continue;
            text.Append(line).Append('\n');
        }
        foreach (var entry in services) text.Append(entry.Ip).Append('\t').Append(entry.Name).Append('\t').Append(Mark).Append('\n');
        return text.ToString();
    }
}
