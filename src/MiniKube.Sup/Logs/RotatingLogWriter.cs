namespace MiniKube.Sup.Logs;

/// <summary>
/// Appends one container instance's output to <c>N.log</c>, rotating by size: when a write would take the file past
/// <see cref="LogRotationOptions.MaxBytes"/>, the file is closed and renamed <c>N.log.1</c> (older parts shift to
/// .2, .3 …; the part beyond MaxFiles − 1 is deleted) and a fresh <c>N.log</c> is started. A write is never split
/// across files: each is one log record (<see cref="CriLogWriter"/>), which a reader must find whole in one file; a
/// write larger than MaxBytes fills a file of its own. The old file is closed before it is renamed, so a reader that
/// sees the rename knows that file is complete. <see cref="Release"/> closes the file while the container is quiet (a
/// descriptor per idle container would cap how many can run); the next write opens it again. Not thread-safe: one writer per instance (the output pump).
/// </summary>
public sealed class RotatingLogWriter : IDisposable
{
    private readonly string _path;
    private readonly LogRotationOptions _options;
    private FileStream? _file;
    private long _length;
    private bool _disposed;

    /// <param name="path">the instance's log, <c>&lt;dir&gt;/N.log</c> (appended to if it exists); its rotated parts
    /// are named <c>path.1</c>, <c>path.2</c> …</param>
    public RotatingLogWriter(string path, LogRotationOptions? options = null)
    {
        _path = Path.GetFullPath(path);
        _options = options ?? LogRotationOptions.Default;
        Open(); // the file exists from the start, as the kubelet's does, but is held only while output comes
        Release();
    }

    /// <summary>Bytes in the current file.</summary>
    public long Length => _length;

    public void Write(ReadOnlySpan<byte> data)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (data.IsEmpty) return;
        if (_file is null) Open();
        if (_length > 0 && _length + data.Length > _options.MaxBytes) Rotate();
        _file!.Write(data);
        _length += data.Length;
    }

    /// <summary>Closes the file until the next write.</summary>
    public void Release()
    {
        _file?.Dispose();
        _file = null;
    }

    public void Dispose()
    {
        _disposed = true;
        Release();
    }

    private string Rotated(int index) => _path + "." + index.ToString(System.Globalization.CultureInfo.InvariantCulture);

    private void Open()
    {
        // Owner-only: container output may hold anything a program prints (tokens, passwords).
        _file = new FileStream(_path, new FileStreamOptions { Mode = FileMode.Append, Access = FileAccess.Write, Share = FileShare.ReadWrite | FileShare.Delete, BufferSize = 0, UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite });
        _length = _file.Length;
    }

    private void Rotate()
    {
        _file!.Dispose();
        _file = null;
        try
        {
            var keep = _options.MaxFiles - 1;
            // Drop the parts that would shift past the limit (and any a run with a larger MaxFiles left).
            for (var i = Math.Max(keep, 1); File.Exists(Rotated(i)); i++)
                File.Delete(Rotated(i));
            if (keep == 0)
            {
                File.Delete(_path);
            }
            else
            {
                for (var i = keep - 1; i >= 1; i--)
                {
                    var from = Rotated(i);
                    if (File.Exists(from)) File.Move(from, Rotated(i + 1));
                }
                File.Move(_path, Rotated(1));
            }
        }
        finally
        {
            // If a rename failed, keep appending to the same file rather than losing output.
            Open();
        }
    }
}
