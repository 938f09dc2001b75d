// The controllable test child: a real process that does on cue what supervised programs do — crash, hang,
// ignore SIGTERM, fork workers, daemonize — so that end-to-end tests exercise real process semantics.
using System.Diagnostics;
using System.Runtime.InteropServices;
using TestApp;

var options = TestAppOptions.Parse(args);
switch (options.Mode)
{
    case "worker":
        Behaviours.SleepForever();
        return 0;
    case "daemon-intermediate":
        // The first fork of a double fork: start the daemon in a new session, then exit at once so that it is
        // orphaned and reparented (to our subreaper, or to init).
        string[] pidFile = options.PidFile is null ? [] : ["--pidfile", options.PidFile];
        Process.Start(new ProcessStartInfo("setsid", [Environment.ProcessPath!, "daemon", .. pidFile]) { UseShellExecute = false });
        return 0;
    case "daemon":
        options.WritePid();
        Console.WriteLine($"daemon {Environment.ProcessId} running");
        using (PosixSignalRegistration.Create(PosixSignal.SIGTERM, c => c.Cancel = true)) Behaviours.SleepForever();
        return 0;
}

options.WritePid();
foreach (var line in options.Print) Console.WriteLine(line);
foreach (var name in options.PrintEnv) Console.WriteLine($"{name}={Environment.GetEnvironmentVariable(name)}");
if (options.AppendTo is { } file) File.AppendAllText(file, options.AppendText + "\n");
foreach (var path in options.Cat)
    Console.WriteLine($"{path}: {(File.Exists(path) ? string.Join('|', File.ReadAllLines(path)) : "<missing>")}");
if (options.PrintCwd) Console.WriteLine($"cwd={Environment.CurrentDirectory}");
if (options.PrintArgs) Console.WriteLine("args=" + string.Join('|', args));
Console.Out.Flush();
if (options.AllocateMb is { } megabytes)
{
    // Native memory, every page written so that it is resident: .NET's GC caps its own heap below a cgroup's memory
    // limit (and throws OutOfMemoryException there), while a limit's test needs the kernel's OOM killer to strike.
    for (var mb = 1; mb <= megabytes; mb++)
    {
        var block = System.Runtime.InteropServices.Marshal.AllocHGlobal(1024 * 1024);
        for (var i = 0; i < 1024 * 1024; i += 4096) System.Runtime.InteropServices.Marshal.WriteByte(block, i, 1);
        if (mb % 10 == 0) Console.WriteLine($"allocated {mb} MiB");
    }
    Console.WriteLine($"allocated all {megabytes} MiB");
    Console.Out.Flush();
}

using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, context =>
{
    if (options.IgnoreSigterm)
    {
        Console.WriteLine("ignoring SIGTERM");
        context.Cancel = true;
        return;
    }
    if (options.SigtermAppendTo is { } sigtermFile) File.AppendAllText(sigtermFile, options.SigtermAppendText + "\n");
    Console.WriteLine("got SIGTERM, exiting");
    Console.Out.Flush();
    Environment.Exit(options.ExitCodeOnSigterm);
});

var workers = new List<Process>();
for (var i = 0; i < options.Workers; i++)
    workers.Add(Process.Start(new ProcessStartInfo(Environment.ProcessPath!, ["worker"]) { UseShellExecute = false })!);
if (options.Refork)
{
    // Like Apache's master: a worker that dies is replaced by a new one (with a new pid).
    new Thread(() =>
    {
        while (true)
        {
            Thread.Sleep(50);
            for (var i = 0; i < workers.Count; i++)
            {
                if (!workers[i].HasExited) continue;
                workers[i] = Process.Start(new ProcessStartInfo(Environment.ProcessPath!, ["worker"]) { UseShellExecute = false })!;
                Console.WriteLine($"re-forked worker {workers[i].Id}");
            }
        }
    }) { IsBackground = true }.Start();
}
if (options.ListenPort is { } port)
{
    var address = System.Net.IPAddress.Parse(Environment.GetEnvironmentVariable("POD_IP") ?? "127.0.0.1");
    var listener = new System.Net.Sockets.TcpListener(address, port);
    listener.Start();
    Console.WriteLine($"listening on {address}:{port}");
    if (options.StopListeningWhenExists is { } stopFile)
    {
        new Thread(() =>
        {
            while (!File.Exists(stopFile)) Thread.Sleep(50);
            listener.Stop();
            Console.WriteLine("stopped listening");
        }) { IsBackground = true }.Start();
    }
    new Thread(() =>
    {
        try
        {
            while (true)
            {
                using var client = listener.AcceptTcpClient();
                using var stream = client.GetStream();
                stream.Write(System.Text.Encoding.UTF8.GetBytes($"hello from {address}\n"));
            }
        }
        catch (System.Net.Sockets.SocketException) { /* stopped listening */ }
        catch (ObjectDisposedException) { }
    }) { IsBackground = true }.Start();
}
if (options.HttpPort is not null)
{
    if (options.HttpDelay > 0) Thread.Sleep(options.HttpDelay);
    HttpServer.Start(options);
}
if (options.KeepAlivePort is { } keepAlivePort) KeepAliveHttpServer.Start(keepAlivePort);
if (options.Daemonize)
    Process.Start(new ProcessStartInfo(Environment.ProcessPath!, ["daemon-intermediate", .. options.Forwarded]) { UseShellExecute = false })!.WaitForExit();

if (options.HangOnce is { } marker && !File.Exists(marker))
{
    File.WriteAllText(marker, "hung\n");
    Console.WriteLine("hanging");
    Console.Out.Flush();
    Behaviours.SleepForever();
}
if (options.ExitAfter is { } delay)
{
    Thread.Sleep(delay);
    Console.WriteLine($"exiting with {options.ExitCode}");
    return options.ExitCode;
}
if (options.ExitNow) return options.ExitCode;
Behaviours.SleepForever();
return 0;
