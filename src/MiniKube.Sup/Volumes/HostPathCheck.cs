namespace MiniKube.Sup.Volumes;

/// <summary>
/// hostPath type checks, as the kubelet's checkTypeInternal (pkg/volume/hostpath): "" checks nothing;
/// DirectoryOrCreate makes the directory (0755, parents too) when missing; FileOrCreate makes an empty file
/// (0644; its parent must exist); Directory, File, Socket, CharDevice and BlockDevice require that type
/// (symlinks followed). Failures throw <see cref="VolumeSetupException"/> with the kubelet's wording.
/// </summary>
public static class HostPathCheck
{
    public static void Check(string volume, string path, string? type)
    {
        var actual = VolumeNative.FileType(path);
        switch (type ?? "")
        {
            case "":
                return;
            case "DirectoryOrCreate" when actual is null:
                MakeDirectory(volume, path);
                return;
            case "DirectoryOrCreate" or "Directory":
                Require(volume, path, actual == VolumeNative.S_IFDIR, "a directory");
                return;
            case "FileOrCreate" when actual is null:
                MakeFile(volume, path);
                return;
            case "FileOrCreate" or "File":
                Require(volume, path, actual == VolumeNative.S_IFREG, "a file");
                return;
            case "Socket":
                Require(volume, path, actual == VolumeNative.S_IFSOCK, "a socket file");
                return;
            case "CharDevice":
                Require(volume, path, actual == VolumeNative.S_IFCHR, "a character device");
                return;
            case "BlockDevice":
                Require(volume, path, actual == VolumeNative.S_IFBLK, "a block device");
                return;
            default:
                throw new VolumeSetupException(volume, $"{type} is an invalid volume type");
        }
    }

    private static void Require(string volume, string path, bool ok, string what)
    {
        if (!ok) throw new VolumeSetupException(volume, $"hostPath type check failed: {path} is not {what}");
    }

    // k8s: os.MkdirAll(path, 0755).
    private static void MakeDirectory(string volume, string path)
    {
        try { Directory.CreateDirectory(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new VolumeSetupException(volume, $"mkdir {path}: {Reason(e)}");
        }
    }

    // k8s: os.OpenFile(path, O_CREATE, 0644); the parent directory must exist.
    private static void MakeFile(string volume, string path)
    {
        try
        {
            using var _ = new FileStream(path, new FileStreamOptions
            {
                Mode = FileMode.OpenOrCreate,
                Access = FileAccess.Write,
                UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead,
            });
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new VolumeSetupException(volume, $"open {path}: {Reason(e)}");
        }
    }

    private static string Reason(Exception e) => e switch
    {
        DirectoryNotFoundException or FileNotFoundException => "no such file or directory",
        UnauthorizedAccessException => "permission denied",
        _ => e.Message,
    };
}
