using System.Globalization;

namespace MiniKube.Sup.FileSystem;

/// <summary>Who a uid is, for messages: <c>uid 1001 (alice)</c>, or <c>uid 1001</c> when /etc/passwd does not
/// name it (users from LDAP and the like are shown by number).</summary>
public static class Owner
{
    public static string Describe(uint uid)
    {
        var text = "uid " + uid.ToString(CultureInfo.InvariantCulture);
        return NameOf(uid) is { } name ? $"{text} ({name})" : text;
    }

    private static string? NameOf(uint uid)
    {
        try
        {
            var wanted = uid.ToString(CultureInfo.InvariantCulture);
            foreach (var line in File.ReadLines("/etc/passwd"))
            {
                // name:password:uid:gid:gecos:home:shell
                var fields = line.Split(':');
                if (fields.Length > 2 && fields[2] == wanted) return fields[0];
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
        return null;
    }
}
