using System.Globalization;
using System.Runtime.CompilerServices;
using k8s.Models;
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

    /// <summary>Object <c>cm-i</c>: big enough that commits span pages and the WAL checkpoints now and then.</summary>
    public static V1ConfigMap ConfigMap(int i) => new()
    {
        ApiVersion = "v1",
        Kind = "ConfigMap",
        Metadata = new V1ObjectMeta { Name = $"cm-{i.ToString(CultureInfo.InvariantCulture)}" },
        Data = new Dictionary<string, string> { ["pad"] = new string((char)('a' + i % 26), 1500) },
    };

    /// <summary>Writes in a loop and prints what was acknowledged: a durable create (<c>object I RV</c>), a durable
    /// status write (<c>status I RV</c>), and a batched one (<c>soon I RV</c>: not durable, but its version must
    /// still never be handed out again).</summary>
    private static void Run(string path, int first)
    {
        var output = Console.Out;
        using var store = ObjectStore.Open(path);
        output.WriteLine("open");
        store.CreateOrUpdate(new V1Deployment
        {
            ApiVersion = "apps/v1",
            Kind = "Deployment",
            Metadata = new V1ObjectMeta { Name = "counter" },
            Spec = new V1DeploymentSpec { Selector = new V1LabelSelector(), Template = new V1PodTemplateSpec() },
        }, "api");
        for (var i = first; i < first + MaxIterations; i++)
        {
            var created = store.Create(ConfigMap(i), "api");
            output.WriteLine($"object {i} {created.ResourceVersion}");
            var counted = store.MutateStatus<V1Deployment>(ObjectKey.Default("Deployment", "counter"), d =>
            {
                d.Status = new V1DeploymentStatus { ObservedGeneration = i };
                return true;
            })!;
            output.WriteLine($"status {i} {counted.ResourceVersion}");
            var soon = store.Create(ConfigMap(-i), "api", Durability.Soon);
            output.WriteLine($"soon {i} {soon.ResourceVersion}");
        }
    }
}
