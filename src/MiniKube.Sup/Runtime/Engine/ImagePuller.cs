namespace MiniKube.Sup.Runtime.Engine;

/// <summary>
/// k8s image manager: makes an image present as its imagePullPolicy says, and reports it as the kubelet's events
/// do (Pulling, Pulled, Failed). Names resolve as the engine resolves them (<c>busybox</c> is
/// <c>docker.io/library/busybox:latest</c>). Where no registry is reachable a pull fails; with a copy of the image
/// on this machine the container runs that copy and a Warning says so; without one the container waits in
/// ErrImagePull (the pod worker then backs off as the kubelet does).
/// </summary>
internal sealed class ImagePuller(IEngineDialect dialect, TimeProvider time)
{
    /// <exception cref="ContainerCreateException">the image is not there and cannot be pulled (ErrImagePull), or
    /// may not be (ErrImageNeverPull)</exception>
    public async Task EnsureAsync(string image, string policy, Action<string, string, string>? report, CancellationToken cancellationToken)
    {
        report ??= (_, _, _) => { };
        var present = await ExistsAsync(image, cancellationToken).ConfigureAwait(false);
        switch (policy)
        {
            case ImageLaunch.PullNever when !present:
                var never = $"Container image \"{image}\" is not present with pull policy of Never";
                report("Warning", "ErrImageNeverPull", never);
                throw new ContainerCreateException("ErrImageNeverPull", never);
            case ImageLaunch.PullNever:
            case ImageLaunch.PullIfNotPresent when present:
                report("Normal", "Pulled", $"Container image \"{image}\" already present on machine");
                return;
        }
        report("Normal", "Pulling", $"Pulling image \"{image}\"");
        var started = time.GetTimestamp();
        var pull = await dialect.Command.RunLongAsync(["pull", "--quiet", image], cancellationToken).ConfigureAwait(false);
        if (pull.Succeeded)
        {
            var took = time.GetElapsedTime(started).TotalSeconds.ToString("0.###", System.Globalization.CultureInfo.InvariantCulture);
            report("Normal", "Pulled", $"Successfully pulled image \"{image}\" in {took}s");
            return;
        }
        if (present)
        {
            // sup: no registry may be reachable (an offline machine, images built locally): the local copy runs.
            report("Warning", "Failed", $"Failed to pull image \"{image}\": {pull.Problem}; running the copy present on this machine");
            return;
        }
        var message = $"Failed to pull image \"{image}\": {pull.Problem}";
        report("Warning", "Failed", message);
        throw new ContainerCreateException(ContainerCreateException.ErrImagePull, message);
    }

    private async Task<bool> ExistsAsync(string image, CancellationToken cancellationToken)
    {
        // 0: present; 1: not; anything else (a broken store) is "not present" too: the pull then says what is wrong.
        var result = await dialect.Command.RunAsync(dialect.ImageExists(image), cancellationToken).ConfigureAwait(false);
        return result.Succeeded;
    }
}
