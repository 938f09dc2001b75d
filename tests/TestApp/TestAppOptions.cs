namespace TestApp;

/// <summary>
/// testapp [MODE] [--exit CODE] [--exit-after MS] [--ignore-sigterm] [--sigterm-exit CODE] [--workers N [--refork]]
///         [--daemonize] [--listen PORT] [--pidfile PATH] [--print TEXT]... [--print-env NAME]... [--print-cwd] [--print-args]
///         [--append FILE TEXT] [--cat FILE]... [--http PORT [--http-delay MS] [--fail-when-exists PATH] [--unready-when-exists PATH]]
///         [--stop-listening-when-exists PATH] [--on-sigterm-append FILE TEXT] [--hang-once FILE] [--http-keepalive PORT]
///         [--allocate MB]
/// With no exit option it runs until SIGTERM (exit 0, or --sigterm-exit CODE).
/// </summary>
internal sealed class TestAppOptions
{
    public string Mode { get; private set; } = "run";
    public int ExitCode { get; private set; }
    public bool ExitNow { get; private set; }
    public int? ExitAfter { get; private set; }
    public bool IgnoreSigterm { get; private set; }
    public int ExitCodeOnSigterm { get; private set; }
    public int Workers { get; private set; }
    public bool Daemonize { get; private set; }
    public bool Refork { get; private set; }
    /// <summary>Listen on POD_IP (else 127.0.0.1) at this TCP port; each connection gets one line and is closed.</summary>
    public int? ListenPort { get; private set; }
    public string? PidFile { get; private set; }
    /// <summary>Serve HTTP on POD_IP at this port (see HttpServer), after --http-delay ms.</summary>
    public int? HttpPort { get; private set; }
    public int HttpDelay { get; private set; }
    /// <summary>Serve keep-alive HTTP on POD_IP at this port (KeepAliveHttpServer, for benchmarks).</summary>
    public int? KeepAlivePort { get; private set; }
    public string? FailWhenExists { get; private set; }
    public string? UnreadyWhenExists { get; private set; }
    /// <summary>The --listen socket is closed once this file exists.</summary>
    public string? StopListeningWhenExists { get; private set; }
    public string? SigtermAppendTo { get; private set; }
    public string SigtermAppendText { get; private set; } = "";
    public List<string> Print { get; } = [];
    public List<string> PrintEnv { get; } = [];
    public bool PrintCwd { get; private set; }
    public bool PrintArgs { get; private set; }
    public string? AppendTo { get; private set; }
    /// <summary>If this file does not exist: create it and hang (a step that hangs on its first run only).</summary>
    public string? HangOnce { get; private set; }
    public string AppendText { get; private set; } = "";
    /// <summary>Files whose content is printed as one line: FILE: LINE1|LINE2 (or FILE: <missing>).</summary>
    public List<string> Cat { get; } = [];
    /// <summary>Allocate and touch this many MiB (1 MiB at a time, kept), printing each 10 MiB: a memory limit's test.</summary>
    public int? AllocateMb { get; private set; }
    /// <summary>Options passed on to a daemon we start (its own pidfile).</summary>
    public List<string> Forwarded { get; } = [];

    public static TestAppOptions Parse(string[] args)
    {
        var o = new TestAppOptions();
        var i = 0;
        if (args.Length > 0 && !args[0].StartsWith("--", StringComparison.Ordinal)) o.Mode = args[i++];
        for (; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--exit": o.ExitCode = int.Parse(args[++i]); o.ExitNow = true; break;
                case "--exit-after": o.ExitAfter = int.Parse(args[++i]); break;
                case "--code": o.ExitCode = int.Parse(args[++i]); break;
                case "--ignore-sigterm": o.IgnoreSigterm = true; break;
                case "--sigterm-exit": o.ExitCodeOnSigterm = int.Parse(args[++i]); break;
                case "--workers": o.Workers = int.Parse(args[++i]); break;
                case "--daemonize": o.Daemonize = true; break;
                case "--refork": o.Refork = true; break;
                case "--listen": o.ListenPort = int.Parse(args[++i]); break;
                case "--pidfile": o.PidFile = args[++i]; break;
                case "--daemon-pidfile": o.Forwarded.AddRange(["--pidfile", args[++i]]); break;
                case "--print": o.Print.Add(args[++i]); break;
                case "--print-env": o.PrintEnv.Add(args[++i]); break;
                case "--print-cwd": o.PrintCwd = true; break;
                case "--print-args": o.PrintArgs = true; break;
                case "--http": o.HttpPort = int.Parse(args[++i]); break;
                case "--http-delay": o.HttpDelay = int.Parse(args[++i]); break;
                case "--http-keepalive": o.KeepAlivePort = int.Parse(args[++i]); break;
                case "--fail-when-exists": o.FailWhenExists = args[++i]; break;
                case "--unready-when-exists": o.UnreadyWhenExists = args[++i]; break;
                case "--stop-listening-when-exists": o.StopListeningWhenExists = args[++i]; break;
                case "--on-sigterm-append": o.SigtermAppendTo = args[++i]; o.SigtermAppendText = args[++i]; break;
                case "--append": o.AppendTo = args[++i]; o.AppendText = args[++i]; break;
                case "--hang-once": o.HangOnce = args[++i]; break;
                case "--cat": o.Cat.Add(args[++i]); break;
                case "--allocate": o.AllocateMb = int.Parse(args[++i]); break;
                default: throw new ArgumentException($"testapp: unknown option {args[i]}");
            }
        }
        return o;
    }

    public void WritePid()
    {
        if (PidFile is not null) File.WriteAllText(PidFile, Environment.ProcessId.ToString());
    }
}
