using System.Runtime.InteropServices;
using System.Text;
using MiniKube.Sup.Client.Commands;

namespace MiniKube.Sup.Cli;

/// <summary>Replaces this process with sup-daemon (execv), which lives next to sup; as PID 1, runs it as its child
/// instead (<see cref="InitShim"/>).</summary>
internal static unsafe partial class EngineExec
{
    public static int Replace(string[] args)
    {
        var engine = Path.Combine(AppContext.BaseDirectory, "sup-daemon");
        if (!File.Exists(engine))
        {
            Console.Error.WriteLine($"sup: {engine} is missing: sup-daemon must sit next to sup (dotnet publish src/MiniKube.Sup.Cli -c Release -o DIR puts both in DIR)");
            return ExitCodes.CannotStart;
        }
        Console.Out.Flush();
        if (InitShim.IsInit) return InitShim.Run(engine, args);
        var argv = new List<string> { engine };
        argv.AddRange(args);
        var pointers = new nint[argv.Count + 1];
        try
        {
            for (var i = 0; i < argv.Count; i++) pointers[i] = Marshal.StringToCoTaskMemUTF8(argv[i]);
            fixed (nint* p = pointers) execv(pointers[0], p);
            Console.Error.WriteLine($"sup: cannot run {engine}: {Marshal.GetLastPInvokeErrorMessage()}");
            return ExitCodes.CannotStart;
        }
        finally
        {
            foreach (var p in pointers) if (p != 0) Marshal.FreeCoTaskMem(p);
        }
    }

    [LibraryImport("libc", SetLastError = true)]
    private static partial int execv(nint path, nint* argv);
}
