using MiniKube.Sup.Store;

namespace MiniKube.Sup.Pods;

/// <summary>
/// How long a pod instance's logs (<see cref="StatePaths.PodLogDirectory"/>) are kept: while the pod exists, and after
/// it is gone for as long as the object that controlled it exists (a failed Job's pods, a StatefulSet's replaced
/// pods: their owner still reads as their history); a pod nothing controlled takes its logs with it. The owner is
/// written next to the logs when the pod's first container starts, so that it is known once the pod is gone.
/// Directories of the layout before pod uids (<c>logs/&lt;pod&gt;</c>) are left alone.
/// </summary>
public static class PodLogRetention
{
    private const string OwnerFile = "owner";

    /// <summary>Notes the uid of the object that controls the pod (none: an empty file), once.</summary>
    public static void RecordOwner(StatePaths paths, string pod, string uid, string? ownerUid)
    {
        var dir = paths.PodLogDirectory(pod, uid);
        var file = Path.Combine(dir, OwnerFile);
        if (File.Exists(file)) return;
        // Owner-only, as the logs in it (HostProcessRuntime makes the rest of the path the same way).
        FileSystem.Directories.Create(dir, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        using var stream = new FileStream(file, new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite });
        stream.Write(System.Text.Encoding.UTF8.GetBytes(ownerUid ?? ""));
    }

    /// <summary>Removes the logs of every pod instance that is gone and whose owner is gone too (or that had none).</summary>
    /// <returns>the directories removed</returns>
    public static IReadOnlyList<string> Sweep(StatePaths paths, ObjectStore store)
    {
        var removed = new List<string>();
        if (!Directory.Exists(paths.LogsRoot)) return removed;
        foreach (var dir in Directory.EnumerateDirectories(paths.LogsRoot))
        {
            if (UidOf(Path.GetFileName(dir)) is not { } uid || store.GetByUid(uid) is not null) continue;
            var ownerFile = Path.Combine(dir, OwnerFile);
            string owner;
            try { owner = File.Exists(ownerFile) ? File.ReadAllText(ownerFile).Trim() : ""; }
            catch (IOException) { continue; }
            if (owner.Length > 0 && store.GetByUid(owner) is not null) continue;
            try
            {
                Directory.Delete(dir, recursive: true);
                removed.Add(dir);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException) { /* tried again at the next sweep */ }
        }
        return removed;
    }

    /// <summary>The uid of <c>&lt;pod&gt;_&lt;uid&gt;</c> (a GUID's 36 characters), null for another name.</summary>
    internal static string? UidOf(string name) =>
        name.Length > 37 && name[^37] == '_' && Guid.TryParseExact(name[^36..], "D", out _) ? name[^36..] : null;
}
