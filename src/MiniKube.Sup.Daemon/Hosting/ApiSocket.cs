using System.Net.Sockets;

namespace MiniKube.Sup.Daemon.Hosting;

/// <summary>
/// The API's Unix socket, &lt;state-dir&gt;/sup.sock: owner-only and never wider, even briefly, and present only
/// once the API answers. Kestrel binds it inside a private 0700 directory; once the server is up the socket is
/// made 0600 and renamed into place (rename is atomic; a listening socket keeps working under its new name).
/// </summary>
internal sealed class ApiSocket(string stateDir)
{
    private readonly string _staging = System.IO.Path.Combine(System.IO.Path.GetFullPath(stateDir), $".sock-{Environment.ProcessId}");

    public string Path => System.IO.Path.Combine(System.IO.Path.GetFullPath(stateDir), "sup.sock");

    public string BindPath => System.IO.Path.Combine(_staging, "sup.sock");

    /// <returns>null when the socket may be bound; otherwise why not (another daemon answers on it).</returns>
    public string? Prepare()
    {
        if (File.Exists(Path))
        {
            if (Answers(Path)) return $"another sup daemon is running on {Path}";
            File.Delete(Path); // stale: left by a daemon that was killed
        }
        if (Directory.Exists(_staging)) Directory.Delete(_staging, recursive: true);
        Directory.CreateDirectory(_staging, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        return null;
    }

    private bool _published;

    public void Publish()
    {
        _published = true;
        File.SetUnixFileMode(BindPath, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        File.Move(BindPath, Path, overwrite: true);
        Directory.Delete(_staging, recursive: true);
    }

    /// <summary>Removes what this daemon created, never another daemon's socket.</summary>
    public void Remove()
    {
        if (_published)
        {
            try { File.Delete(Path); } catch (IOException) { }
        }
        try { if (Directory.Exists(_staging)) Directory.Delete(_staging, recursive: true); } catch (IOException) { }
    }

    private static bool Answers(string path)
    {
        try
        {
            using var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
            socket.Connect(new UnixDomainSocketEndPoint(path));
            return true;
        }
        catch (SocketException) { return false; }
    }
}
