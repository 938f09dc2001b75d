using MiniKube.Sup.Runtime;
using MiniKube.Sup.Spec;

namespace MiniKube.Sup.Probes;

/// <summary>
/// k8s exec probe and hook: runs the command (argv, no shell) in the container through its runtime (CRI ExecSync).
/// Exit 0 is success, anything else failure; a probe that outlives its timeout is killed and fails ("command …
/// timed out"). A command that cannot be run at all is a probe error (its result is discarded, as the kubelet does
/// with a runtime error) but a failed hook.
/// </summary>
public sealed class ExecProber(IContainerRuntime runtime) : IProber
{
    public async Task<ProbeOutcome> ProbeAsync(ProbeRequest request, CancellationToken cancellationToken)
    {
        var action = request.Action.Exec ?? throw new ArgumentException("not an exec handler", nameof(request));
        var argv = ExpandStatic(action.Command ?? [], request.Target.Container);
        var commandText = string.Join(' ', argv);
        ExecResult result;
        try
        {
            result = await runtime.ExecAsync(request.Target.Instance, argv, request.Timeout, cancellationToken).ConfigureAwait(false);
        }
        catch (ContainerExecException e)
        {
            return request.IsHook ? ProbeOutcome.Failure(e.Message) : ProbeOutcome.Error(e.Message);
        }
        if (result.Status is not { } status) return ProbeOutcome.Failure($"command \"{commandText}\" timed out");
        if (status.Succeeded) return ProbeOutcome.Success(result.Output);
        return ProbeOutcome.Failure(request.IsHook ? $"command '{commandText}' exited with {status.ExitCode}: {result.Output}" : result.Output);
    }

    /// <summary>k8s ExpandContainerCommandOnlyStatic: $(VAR) refers only to the container's literal env values.</summary>
    private static List<string> ExpandStatic(IEnumerable<string> command, k8s.Models.V1Container container)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var env in container.Env ?? [])
            if (env.ValueFrom is null) values[env.Name] = VariableExpansion.Expand(env.Value ?? "", n => values.GetValueOrDefault(n));
        return command.Select(a => VariableExpansion.Expand(a, n => values.GetValueOrDefault(n))).ToList();
    }
}
