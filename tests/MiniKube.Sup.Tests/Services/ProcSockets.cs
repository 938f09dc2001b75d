using System.Globalization;
using System.Net;

namespace MiniKube.Sup.Tests.Services;

/// <summary>What /proc says about this process's TCP sockets: which descriptor holds a connection, and how many
/// epoll sets watch a descriptor.</summary>
internal static class ProcSockets
{
    /// <summary>The descriptor of this process's IPv4 TCP socket from <paramref name="local"/> to
    /// <paramref name="remote"/>.</summary>
    public static int Fd(IPEndPoint local, IPEndPoint remote)
    {
        var inode = File.ReadLines("/proc/self/net/tcp").Skip(1)
            .Select(line => line.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Where(f => f[1] == Hex(local) && f[2] == Hex(remote))
            .Select(f => f[9])
            .Single();
        return Descriptors().Single(d => d.Target == $"socket:[{inode}]").Fd;
    }

    /// <summary>How many of this process's epoll sets have <paramref name="fd"/> registered.</summary>
    public static int EpollSetsWatching(int fd) => Descriptors()
        .Where(d => d.Target == "anon_inode:[eventpoll]")
        .Count(d => File.ReadLines($"/proc/self/fdinfo/{d.Fd}")
            .Where(line => line.StartsWith("tfd:", StringComparison.Ordinal))
            .Any(line => int.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) == fd));

    private static IEnumerable<(int Fd, string Target)> Descriptors()
    {
        foreach (var path in Directory.GetFiles("/proc/self/fd"))
        {
            string? target;
            try { target = new FileInfo(path).LinkTarget; }
            catch (IOException) { continue; } // closed meanwhile
            if (target is not null) yield return (int.Parse(Path.GetFileName(path), CultureInfo.InvariantCulture), target);
        }
    }

    // /proc/net/tcp's form: the address's four bytes as one little-endian hex word, the port in hex (a dual-mode
    // socket's IPv4-mapped address as the IPv4 one it is).
    private static string Hex(IPEndPoint endPoint)
    {
        var address = endPoint.Address.IsIPv4MappedToIPv6 ? endPoint.Address.MapToIPv4() : endPoint.Address;
        var bytes = address.GetAddressBytes();
        Array.Reverse(bytes);
        return $"{Convert.ToHexString(bytes)}:{endPoint.Port:X4}";
    }
}
