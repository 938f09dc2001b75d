namespace MiniKube.Sup.Processes;

/// <summary>A container instance an earlier daemon on the same state dir started and left running, which this one
/// takes back: its pod (name and uid), container, instance number, owner mark (SUP_OWNER; an image container's
/// processes carry none) and main process (an image container's by its host pid).</summary>
public sealed record AdoptedInstance(string Pod, string PodUid, string Container, int Instance, string OwnerToken, int Pid);
