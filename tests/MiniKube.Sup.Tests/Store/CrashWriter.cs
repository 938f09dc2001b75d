using System.Globalization;
using System.Runtime.CompilerServices;
using MiniKube.Sup.Store;

namespace MiniKube.Sup.Tests.Store;

/// <summary>
/// The child process of the crash test. The test starts <c>dotnet exec MiniKube.Sup.Tests.dll</c> with
/// <see cref="DatabaseVariable"/> set; this module initializer runs before the (empty) generated entry point, writes
/// to the store in a loop and prints one line per acknowledged (returned) write, until the test SIGKILLs it. In the
/// test host the variable is not set and the initializer does nothing.
/// </summary>
internal static class CrashWriter
{
    public const string DatabaseVariable = "SUP_STORE_TEST_CRASH_WRITER_DB";
    public const string FirstIndexVariable = "SUP_STORE_TEST_CRASH_WRITER_FIRST";
    public const int MaxIterations = 200_000;
    public const int MaxEvents = 1_000_000;

#pragma warning disable CA2255 // a test-only hook: it must run before the generated entry point of the test assembly
    [ModuleInitializer]
#pragma warning restore CA2255
    internal static void RunIfChild()
    {
        var path = Environment.GetEnvironmentVariable(DatabaseVariable);
        if (string.IsNullOrEmpty(path)) return;
        try
        {
            var first = int.Parse(Environment.GetEnvironmentVariable(FirstIndexVariable) ?? "1", CultureInfo.InvariantCulture);
            Run(path, first);
            Environment.Exit(0);
        }
        catch (Exception e)
        {
            Console.Error.WriteLine(e);
            Environment.Exit(2);
        }
    }

    /// <summary>The Json of object <c>cm-i</c>: big enough that commits span pages and the WAL checkpoints now and then.</summary>
    public static string ObjectJson(int i) =>
        "{\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"cm-" + i.ToString(CultureInfo.InvariantCulture) + "\"},\"data\":{\"pad\":\"" +
        new string((char)('a' + i % 26), 1500) + "\"}}";

    private static void Run(string path, int first)
    {
        var output = Console.Out;
        using var store = StateStore.Open(path, MaxEvents);
        output.WriteLine("open");
        for (var i = first; i < first + MaxIterations; i++)
        {
            var rv = store.PutObject("ConfigMap", $"cm-{i}", ObjectJson(i), "api");
            output.WriteLine($"object {i} {rv}");
            store.PutStatuses([("ConfigMap", $"cm-{i}", $"{{\"i\":{i}}}"), ("Pod", "counter", $"{{\"last\":{i}}}")]);
            output.WriteLine($"status {i}");
            var e = store.AppendEvent(DateTimeOffset.UnixEpoch.AddSeconds(i), "ConfigMap", $"cm-{i}", "Normal", "Written", $"write {i}", null);
            output.WriteLine($"event {i} {e.Id}");
            store.PutState($"crash/{i}", $"{{\"i\":{i}}}");
            output.WriteLine($"state {i}");
            if (i % 10 == 0)
            {
                // A multi-row transaction, so that kills also land inside bigger commits.
                var changes = store.ReplaceSource("file:/crash.yaml", [.. Enumerable.Range(0, 20).Select(k => ("Secret", $"s-{k}", $"{{\"i\":{i}}}"))]);
                output.WriteLine($"source {i} {changes.Updated.Concat(changes.Added).Max(o => o.ResourceVersion)}");
            }
        }
    }
}
