namespace MiniKube.Sup.Pods;

/// <summary>An environment that differs per namespace (the service variables a pod gets are those of its own
/// namespace's Services).</summary>
public interface INamespacedEnvironment : IReadOnlyDictionary<string, string>
{
    /// <summary>The environment as pods of <paramref name="ns"/> see it.</summary>
    IReadOnlyDictionary<string, string> In(string ns);

    /// <summary><paramref name="environment"/> as pods of <paramref name="ns"/> see it (itself, unless it differs per namespace).</summary>
    static IReadOnlyDictionary<string, string> Of(IReadOnlyDictionary<string, string> environment, string ns) =>
        environment is INamespacedEnvironment namespaced ? namespaced.In(ns) : environment;
}
