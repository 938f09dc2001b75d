using k8s.Models;

namespace MiniKube.Sup.Probes;

/// <summary>The handler of a probe or lifecycle hook: exactly one of exec, httpGet, tcpSocket, grpc, sleep.
/// Probes and hooks share the action types, so one set of probers runs both.</summary>
public sealed record ProbeAction(
    V1ExecAction? Exec = null,
    V1HTTPGetAction? HttpGet = null,
    V1TCPSocketAction? TcpSocket = null,
    V1GRPCAction? Grpc = null,
    V1SleepAction? Sleep = null)
{
    public static ProbeAction From(V1Probe probe) => new(probe.Exec, probe.HttpGet, probe.TcpSocket, probe.Grpc);

    public static ProbeAction From(V1LifecycleHandler hook) => new(hook.Exec, hook.HttpGet, hook.TcpSocket, Sleep: hook.Sleep);
}
