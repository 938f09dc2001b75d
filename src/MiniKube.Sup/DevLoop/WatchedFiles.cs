using Microsoft.Extensions.FileSystemGlobbing;

namespace MiniKube.Sup.DevLoop;

/// <summary>
/// The files one <see cref="Spec.SupAnnotations.RestartOnChange"/> value names ("src/**, config/*.yaml"): globs
/// relative to a root directory (or absolute), watched from the directory each one starts in, and told apart by
/// <see cref="Matcher"/>. Changes come to <paramref name="changed"/> with the path that changed, on a watcher thread.
/// </summary>
public sealed class WatchedFiles : IDisposable
{
    private readonly List<FileSystemWatcher> _watchers = [];

    public WatchedFiles(string patterns, string root, Action<string> changed)
    {
        foreach (var pattern in patterns.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            var full = Path.IsPathRooted(pattern) ? pattern : Path.Combine(root, pattern);
            var (directory, glob) = Split(full);
            if (!Directory.Exists(directory)) continue;
            var matcher = new Matcher(StringComparison.Ordinal);
            matcher.AddInclude(glob);
            var watcher = new FileSystemWatcher(directory)
            {
                IncludeSubdirectories = glob.Contains('/'),
                NotifyFilter = NotifyFilters.FileName | NotifyFilters.DirectoryName | NotifyFilters.LastWrite | NotifyFilters.Size,
            };
            void On(string path)
            {
                if (matcher.Match(directory, path).HasMatches) changed(path);
            }
            watcher.Changed += (_, e) => On(e.FullPath);
            watcher.Created += (_, e) => On(e.FullPath);
            watcher.Deleted += (_, e) => On(e.FullPath);
            watcher.Renamed += (_, e) => { On(e.OldFullPath); On(e.FullPath); };
            watcher.EnableRaisingEvents = true;
            _watchers.Add(watcher);
        }
    }

    /// <summary>The directory a glob starts in (its part before the first segment with a wildcard) and the rest.</summary>
    internal static (string Directory, string Glob) Split(string fullPattern)
    {
        var segments = fullPattern.Split('/');
        var literal = segments.TakeWhile(s => s.IndexOfAny(['*', '?', '[', '{']) < 0).Count();
        if (literal == segments.Length) literal--; // a plain file: watch its directory
        var directory = string.Join('/', segments.Take(literal));
        return (directory.Length == 0 ? "/" : directory, string.Join('/', segments.Skip(literal)));
    }

    public void Dispose()
    {
        foreach (var w in _watchers) w.Dispose();
    }
}
