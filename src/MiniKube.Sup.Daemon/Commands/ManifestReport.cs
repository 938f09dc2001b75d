using MiniKube.Sup.Spec;

namespace MiniKube.Sup.Daemon.Commands;

internal static class ManifestReport
{
    /// <summary>Prints what loads but means nothing on one host, each on one line to stderr, as kubectl prints an API
    /// server's warnings.</summary>
    public static void PrintWarnings(ManifestLoadResult result)
    {
        foreach (var warning in result.Warnings) Console.Error.WriteLine($"Warning: {warning}");
    }

    /// <returns>true when there were errors (printed to stderr, one per line).</returns>
    public static bool PrintErrors(ManifestLoadResult result, string consequence = "nothing was started")
    {
        if (result.Succeeded) return false;
        foreach (var error in result.Errors) Console.Error.WriteLine(error);
        Console.Error.WriteLine($"{result.Errors.Count} error(s); {consequence}");
        return true;
    }
}
