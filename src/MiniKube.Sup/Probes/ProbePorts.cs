using System.Globalization;
using k8s.Models;

namespace MiniKube.Sup.Probes;

/// <summary>k8s probe.ResolveContainerPort: a number, or the name of one of the container's ports.</summary>
public static class ProbePorts
{
    /// <returns>the port, or null with <paramref name="error"/> set (a probe error: the result is discarded)</returns>
    public static int? Resolve(IntOrString? port, V1Container container, out string error)
    {
        error = "";
        var value = port?.Value ?? "";
        if (int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var number))
        {
            if (number is > 0 and <= 65535) return number;
            error = $"invalid port number: {number}";
            return null;
        }
        foreach (var p in container.Ports ?? [])
            if (p.Name == value) return p.ContainerPort;
        error = $"couldn't find port: {value} in container {container.Name}";
        return null;
    }
}
