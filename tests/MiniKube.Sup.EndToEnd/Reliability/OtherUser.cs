using System.Diagnostics;
using System.Globalization;

namespace MiniKube.Sup.EndToEnd.Reliability;

/// <summary>
/// A real second local user, for the tests of what another user on the host can do to a daemon run as root (and
/// what it must not be able to see): created with useradd (home under <paramref name="parent"/>), removed with
/// userdel -r when disposed. Its processes are started through setpriv (no PAM, no login shell), as itself and its
/// own group only.
/// </summary>
internal sealed class OtherUser : IDisposable
{
    private OtherUser(string name, int uid, string home)
    {
        Name = name;
        Uid = uid;
        Home = home;
    }

    public string Name { get; }
    public int Uid { get; }

    /// <summary>Its home directory (0755, its own): where it prepares what it plants.</summary>
    public string Home { get; }

    /// <param name="parent">a directory every user can traverse (0755).</param>
    public static OtherUser Create(string parent)
    {
        var name = "supt" + Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(4));
        var home = Path.Combine(parent, name);
        // Other engineers' tests may add users at the same time: useradd fails while another holds /etc/passwd's lock.
        for (var attempt = 0; ; attempt++)
        {
            var (code, output) = Run("useradd", "--create-home", "--home-dir", home, "--shell", "/usr/sbin/nologin", "--user-group", name);
            if (code == 0) break;
            if (attempt == 50) throw new InvalidOperationException($"useradd {name} failed ({code}): {output}");
            Thread.Sleep(100);
        }
        File.SetUnixFileMode(home, (UnixFileMode)0x1ED); // 0755: root-run tests read what it plants there
        var (_, uid) = Run("id", "-u", name);
        return new OtherUser(name, int.Parse(uid.Trim(), CultureInfo.InvariantCulture), home);
    }

    /// <summary>setpriv arguments that run a program as this user (HOME set to its home).</summary>
    public string[] As(params string[] command) =>
        ["--reuid", Name, "--regid", Name, "--init-groups", "env", $"HOME={Home}", .. command];

    /// <summary>Runs a program as this user to its end.</summary>
    public Task<(int Code, string Out, string Err)> RunAsync(params string[] command) => SupDaemon.Run("setpriv", As(command));

    public void Dispose()
    {
        for (var attempt = 0; ; attempt++)
        {
            var (code, output) = Run("userdel", "--remove", Name);
            if (code is 0 or 6 /* no such user */) return;
            if (attempt == 50) throw new InvalidOperationException($"userdel -r {Name} failed ({code}): {output}");
            Thread.Sleep(100);
        }
    }

    private static (int Code, string Output) Run(string file, params string[] args)
    {
        var info = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args) info.ArgumentList.Add(a);
        using var p = DotnetChildren.Start(info);
        var output = p.StandardOutput.ReadToEnd() + p.StandardError.ReadToEnd();
        p.WaitForExit();
        return (p.ExitCode, output);
    }
}
