namespace MiniKube.Sup.Processes;

/// <summary>A host container instance an earlier daemon on the same state dir started and left running, which this one
/// takes back: its pod (name and uid), container, instance number, owner mark (SUP_OWNER) and main process.</summary>
public sealed record AdoptedInstance(string Pod, string PodUid, string Container, int Instance, string OwnerToken, int Pid);
