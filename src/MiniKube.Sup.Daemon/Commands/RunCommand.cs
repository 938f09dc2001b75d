using System.CommandLine;
using System.Globalization;
using MiniKube.Sup.Client.Arguments;
using MiniKube.Sup.Client.Commands;
using MiniKube.Sup.Daemon.Hosting;
using MiniKube.Sup.Pods;
using MiniKube.Sup.Spec;

namespace MiniKube.Sup.Daemon.Commands;

/// <summary>sup run [-f FILE]... [--exit-with job/NAME [--timeout DURATION]] : the daemon, in the foreground; with
/// --exit-with, a CI harness: it stops everything once that Job has ended and exits with its result (see <see cref="JobExit"/>).</summary>
internal static class RunCommand
{
    public static Command Create()
    {
        var files = CommonOptions.Files("Manifest files (default ./supervisor.yaml)", required: false);
        files.DefaultValueFactory = _ => ["supervisor.yaml"];
        var backoffBase = SecondsOption("--backoff-base", "Initial CrashLoopBackOff delay in seconds (default 10; 0 = no delay)");
        var backoffMax = SecondsOption("--backoff-max", "Maximum CrashLoopBackOff delay in seconds (default 300)");
        var jobBackoffBase = SecondsOption("--job-backoff-base", "Initial delay before a Job's failed pod is replaced, in seconds (default 10; 0 = no delay)");
        var jobBackoffMax = SecondsOption("--job-backoff-max", "Maximum delay before a Job's failed pod is replaced, in seconds (default 360)");
        var listen = new Option<System.Net.IPEndPoint?>("--listen")
        {
            Description = "Also serve the API on this loopback address (e.g. 127.0.0.1:6443), with a bearer token written to <state-dir>/token; another address needs --listen-any",
            CustomParser = result =>
            {
                var text = result.Tokens.Single().Value;
                if (System.Net.IPEndPoint.TryParse(text, out var endpoint) && endpoint.Address.IsIPv4MappedToIPv6)
                {
                    // [::ffff:127.0.0.1] is 127.0.0.1: an IPv6 socket (IPV6_V6ONLY, as Kestrel makes it) cannot bind it.
                    endpoint = new System.Net.IPEndPoint(endpoint.Address.MapToIPv4(), endpoint.Port);
                }
                if (endpoint is not null && endpoint.Port > 0) return endpoint;
                result.AddError($"--listen: expected an address and port such as 127.0.0.1:6443, got \"{text}\"");
                return null;
            },
        };
        var listenAny = new Option<bool>("--listen-any")
        {
            Description = "Let --listen take an address other hosts can reach (the API is then open to the network, behind its token and TLS)",
        };
        var podCidr = new Option<Networking.PodAddressRange?>("--pod-cidr")
        {
            Description = "The loopback addresses pods are given, a network of one 127.B.0.0/16 block (e.g. 127.5.0.0/16); default: a /16 no other sup daemon on this host holds",
            CustomParser = result =>
            {
                var range = Networking.PodAddressRange.Parse(result.Tokens.Single().Value, out var error);
                if (range is null) result.AddError($"--pod-cidr: {error}");
                return range;
            },
        };
        var logMaxSize = new Option<long>("--log-max-size")
        {
            Description = "Rotate a container's log file when it reaches this many bytes (default 10485760 = 10 MiB)",
            DefaultValueFactory = _ => Logs.LogRotationOptions.DefaultMaxBytes,
            Validators = { r => { if (r.GetValueOrDefault<long>() <= 0) r.AddError("--log-max-size must be positive"); } },
        };
        var logMaxFiles = new Option<int>("--log-max-files")
        {
            Description = "Log files kept per container instance, the current one included (default 5)",
            DefaultValueFactory = _ => Logs.LogRotationOptions.DefaultMaxFiles,
            Validators = { r => { if (r.GetValueOrDefault<int>() <= 0) r.AddError("--log-max-files must be at least 1"); } },
        };
        var engine = new Option<Runtime.Engine.ContainerEngineChoice>("--container-engine")
        {
            Description = "Which container engine runs pods whose containers have an image: auto (podman when it works, else docker), podman, docker (the daemon DOCKER_HOST names), none",
            DefaultValueFactory = _ => Runtime.Engine.ContainerEngineChoice.Auto,
            CustomParser = result =>
            {
                var text = result.Tokens.Single().Value;
                if (Enum.TryParse<Runtime.Engine.ContainerEngineChoice>(text, ignoreCase: true, out var choice) && text.All(char.IsAsciiLetterLower))
                    return choice;
                result.AddError($"--container-engine: expected auto, podman, docker or none, got \"{text}\"");
                return default;
            },
        };
        var exitWith = new Option<string?>("--exit-with")
        {
            Description = "job/NAME: wait for that Job to end, print its pods' logs if it failed, stop everything; exit 0 Complete, 1 Failed, 124 timeout",
            Validators = { r => { if (JobName(r.GetValueOrDefault<string?>()) is null) r.AddError($"--exit-with: expected job/NAME, got \"{r.GetValueOrDefault<string?>()}\""); } },
        };
        var timeout = new Option<string?>("--timeout")
        {
            Description = "With --exit-with: how long the Job may take (e.g. 90s, 10m; default no limit)",
            Validators = { r => { if (DurationArgument.Parse(r.GetValueOrDefault<string?>() ?? "") is null) r.AddError(DurationArgument.Unreadable("--timeout", r.GetValueOrDefault<string?>() ?? "")); } },
        };
        var logFormat = KebabEnumOption.Create("--log-format", "How the daemon writes its output: text (lines for people) or json (one JSON object per line, for journald and log shippers)", Hosting.Logging.LogFormat.Text);
        var readyWhen = KebabEnumOption.Create("--ready-when", "When systemd (NOTIFY_SOCKET) is told READY=1: api (the API answers and the files are applied) or all-ready (also every pod and workload is Ready, Jobs' pods aside)", Hosting.Systemd.ReadyWhen.Api);
        var keepRunning = new Option<bool>("--keep-running")
        {
            Description = "When stopped (SIGTERM, Ctrl+C), leave pods' containers running (image containers too, in their engine) for the next `sup run` on this state dir to adopt (an upgrade)",
        };
        var serviceProxy = KebabEnumOption.Create("--service-proxy", "How Service connections from the host are forwarded: auto (in the kernel, nftables DNAT, where the daemon is root and nft works; else userspace), kernel (or do not start), userspace (through the daemon's listeners); default $SUP_SERVICE_PROXY, else auto", Services.ServiceProxyMode.Auto);
        // The environment's choice, where the command line makes none (a whole test suite run on one path).
        if (Environment.GetEnvironmentVariable("SUP_SERVICE_PROXY") is { Length: > 0 } fromEnvironment)
            serviceProxy.DefaultValueFactory = _ => Enum.GetValues<Services.ServiceProxyMode>().FirstOrDefault(m => KebabEnumOption.Kebab(m.ToString()) == fromEnvironment);
        var command = SupCommands.Run.Create();
        foreach (var option in new Option[] { serviceProxy, keepRunning, files, backoffBase, backoffMax, jobBackoffBase, jobBackoffMax, listen, listenAny, podCidr, logMaxSize, logMaxFiles, engine, exitWith, timeout, logFormat, readyWhen }) command.Options.Add(option);
        command.SetAction(async (parse, cancel) =>
        {
            var k8s = BackoffPolicy.Kubernetes;
            var options = new SupervisorOptions
            {
                Files = parse.GetValue(files)!,
                StateDir = parse.GetValue(CommonOptions.StateDir)!,
                Backoff = k8s with
                {
                    Initial = parse.GetValue(backoffBase) ?? k8s.Initial,
                    Max = parse.GetValue(backoffMax) ?? k8s.Max,
                },
                JobBackoff = new Controllers.JobBackoffPolicy(
                    parse.GetValue(jobBackoffBase) ?? Controllers.JobBackoffPolicy.Kubernetes.Initial,
                    parse.GetValue(jobBackoffMax) ?? Controllers.JobBackoffPolicy.Kubernetes.Max),
                LogRotation = new Logs.LogRotationOptions(parse.GetValue(logMaxSize), parse.GetValue(logMaxFiles)),
                ContainerEngine = parse.GetValue(engine),
                PodCidr = parse.GetValue(podCidr),
                KeepRunning = parse.GetValue(keepRunning),
                ServiceProxy = parse.GetValue(serviceProxy),
            };
            if (parse.GetValue(listen) is { } api && !System.Net.IPAddress.IsLoopback(api.Address) && !parse.GetValue(listenAny))
            {
                // The API runs any process as the daemon's user: reachable from other hosts only when asked for by name.
                Console.Error.WriteLine($"sup: --listen {api}: not a loopback address; the API would be reachable from other hosts (give --listen-any to mean it)");
                return ExitCodes.BadInput;
            }
            var job = JobName(parse.GetValue(exitWith));
            var limit = parse.GetValue(timeout) is { } t ? DurationArgument.Parse(t) : null;
            if (options.KeepRunning && job is not null)
            {
                Console.Error.WriteLine("sup: --keep-running cannot go with --exit-with: a CI run tears everything down");
                return ExitCodes.BadInput;
            }
            if (limit is not null && job is null)
            {
                Console.Error.WriteLine("sup: --timeout needs --exit-with job/NAME");
                return ExitCodes.BadInput;
            }
            var manifests = ManifestLoader.LoadFiles(options.Files);
            if (ManifestReport.PrintErrors(manifests)) return ExitCodes.BadInput;
            if (job is not null && !manifests.Objects.Any(o => o.Kind == "Job" && o.Name == job))
            {
                Console.Error.WriteLine(Printing.ControlCharacters.Escape($"sup: --exit-with job/{job}: no Job named {job} in {string.Join(", ", options.Files)}"));
                return ExitCodes.BadInput;
            }
            ManifestReport.PrintWarnings(manifests);
            if (StateDirectory.Prepare(options.StateDir) is { } problem)
            {
                Console.Error.WriteLine(Printing.ControlCharacters.Escape($"sup: cannot use state dir {Path.GetFullPath(options.StateDir)}: {problem}"));
                return ExitCodes.CannotStart;
            }
            Supervisor.Version = VersionCommand.Version;
            var hosting = new HostingOptions(parse.GetValue(logFormat), parse.GetValue(readyWhen));
            if (job is null) return await DaemonHost.RunAsync(options, manifests, parse.GetValue(listen), hosting, cancel).ConfigureAwait(false);
            return await RunUntilJobEndsAsync(new JobExit(options.StateDir, job, limit, TimeProvider.System), options, manifests, parse.GetValue(listen), hosting, cancel).ConfigureAwait(false);
        });
        return command;
    }

    /// <summary>The daemon, stopped gracefully (as by SIGTERM) once the Job has ended or the timeout passed.</summary>
    private static async Task<int> RunUntilJobEndsAsync(JobExit exit, SupervisorOptions options, ManifestLoadResult manifests, System.Net.IPEndPoint? listen, HostingOptions hosting, CancellationToken cancel)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancel);
        var daemon = DaemonHost.RunAsync(options, manifests, listen, hosting, stop.Token);
        var outcome = exit.WaitAsync(stop.Token);
        await Task.WhenAny(daemon, outcome).ConfigureAwait(false);
        if (!daemon.IsCompleted && await outcome.ConfigureAwait(false) is { } code)
        {
            await stop.CancelAsync().ConfigureAwait(false);
            await daemon.ConfigureAwait(false);
            return code;
        }
        // Stopped (a signal, a failed start) before the Job ended: never a success, whatever the daemon says.
        await stop.CancelAsync().ConfigureAwait(false);
        var stopped = await daemon.ConfigureAwait(false);
        await outcome.ConfigureAwait(false);
        Console.Error.WriteLine($"sup: stopped before job/{exit.Job} ended");
        return stopped != ExitCodes.Success ? stopped : ExitCodes.JobFailed;
    }

    /// <returns>NAME of job/NAME (jobs/, job.batch/ too), else null.</returns>
    private static string? JobName(string? text) =>
        text?.IndexOf('/') is int slash and > 0 && Kinds.ByName(text[..slash]) == Kinds.Job && slash < text.Length - 1 ? text[(slash + 1)..] : null;

    private static Option<TimeSpan?> SecondsOption(string name, string description) => new(name)
    {
        Description = description,
        CustomParser = result =>
        {
            var text = result.Tokens.Single().Value;
            if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds) && seconds >= 0 && seconds <= 86400)
                return TimeSpan.FromSeconds(seconds);
            result.AddError($"{name}: expected a number of seconds between 0 and 86400, got \"{text}\"");
            return null;
        },
    };
}
