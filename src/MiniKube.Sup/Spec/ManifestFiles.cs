namespace MiniKube.Sup.Spec;

/// <summary>What `-f` names, as kubectl reads it: a file; a directory's files with the extensions kubectl reads
/// (.json, .yaml, .yml), in name order, its subdirectories too with -R; <c>-</c> for standard input.</summary>
public static class ManifestFiles
{
    public const string StdinName = "-";

    private static readonly string[] Extensions = [".json", ".yaml", ".yml"];

    /// <summary>The files <paramref name="paths"/> stand for; a directory with none of them is an error (kubectl:
    /// "error reading [DIR]: recognized file extensions are [.json .yaml .yml]").</summary>
    public static IEnumerable<string> Expand(IEnumerable<string> paths, bool recursive, List<ManifestError> errors)
    {
        foreach (var path in paths)
        {
            if (path == StdinName || !Directory.Exists(path))
            {
                yield return path;
                continue;
            }
            var found = In(path, recursive).ToList();
            if (found.Count == 0)
                errors.Add(new ManifestError(path, 0, 0, null, string.Empty,
                    $"no manifest files in this directory{(recursive ? " or below it" : " (-R reads its subdirectories)")}: the extensions read are .json, .yaml, .yml"));
            foreach (var file in found) yield return file;
        }
    }

    /// <summary>In the order of Go's filepath.Walk, as kubectl reads a directory: entries by name, a subdirectory
    /// where its name falls.</summary>
    private static IEnumerable<string> In(string directory, bool recursive)
    {
        List<string> entries;
        try
        {
            entries = Directory.EnumerateFileSystemEntries(directory).Order(StringComparer.Ordinal).ToList();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Read as a file, it fails with the reason.
            return [directory];
        }
        return entries.SelectMany(entry => Directory.Exists(entry)
            ? recursive ? In(entry, recursive) : []
            : Extensions.Contains(Path.GetExtension(entry), StringComparer.Ordinal) ? [entry] : Array.Empty<string>());
    }
}
