namespace MiniKube.Sup.Runtime;

/// <summary>An image container that a stored pod's status shows running (<see cref="Pods.ContainerAdoption"/>): the
/// engine is asked whether it still runs it (<see cref="Engine.EngineRuntime.ClaimAsync"/>).</summary>
/// <param name="ContainerId">its status's containerID, <c>podman://ID</c> or <c>docker://ID</c></param>
public sealed record AdoptionCandidate(string Namespace, string Pod, string PodUid, string Container, string ContainerId);
