using System.Diagnostics;
using k8s.Models;
using MiniKube.Sup.Pods;
using MiniKube.Sup.Processes;
using MiniKube.Sup.Store;

namespace MiniKube.Sup.Tests.Pods;

/// <summary>Which containers an earlier daemon left running are taken back: only those whose stored status shows them
/// running and whose process still carries that very instance's owner mark (a pid the kernel gave to another process
/// since is never taken for it).</summary>
public sealed class ContainerAdoptionTests : IDisposable
{
    private const string DaemonId = "d1";
    private readonly TempDirectory _dir = new("sup-adopt-");
    private readonly ObjectStore _store;
    private readonly List<Process> _children = [];

    public ContainerAdoptionTests() => _store = ObjectStore.Open(_dir.DatabasePath(), TestClock.Create());

    public void Dispose()
    {
        foreach (var child in _children)
        {
            child.Kill();
            child.WaitForExit();
            child.Dispose();
        }
        _store.Dispose();
        _dir.Dispose();
    }

    [Fact]
    public void A_running_container_whose_process_carries_its_instance_mark_is_adopted()
    {
        var uid = StorePod("web");
        var pid = Child($"{DaemonId}/web/{uid}/app/3");
        SetRunning("web", uid, pid);

        var adopted = Assert.Single(ContainerAdoption.Find(_store, DaemonId));

        Assert.Equal(new AdoptedInstance("web", uid, "app", 3, $"{DaemonId}/web/{uid}/app/3", pid), adopted);
    }

    [Fact]
    public void A_pid_that_now_belongs_to_another_pods_process_is_not_adopted()
    {
        var uid = StorePod("web");
        var pid = Child($"{DaemonId}/web/another-uid/app/1");
        SetRunning("web", uid, pid);

        Assert.Empty(ContainerAdoption.Find(_store, DaemonId));
    }

    [Fact]
    public void A_pid_without_the_daemons_mark_is_not_adopted()
    {
        var uid = StorePod("web");
        SetRunning("web", uid, Child(owner: null));

        Assert.Empty(ContainerAdoption.Find(_store, DaemonId));
    }

    [Fact]
    public void A_pod_that_finished_or_runs_in_an_engine_adopts_nothing()
    {
        var done = StorePod("done");
        SetRunning("done", done, Child($"{DaemonId}/done/{done}/app/1"), phase: "Succeeded");
        var image = StorePod("image", image: "nginx:1");
        SetRunning("image", image, Child($"{DaemonId}/image/{image}/app/1"));

        Assert.Empty(ContainerAdoption.Find(_store, DaemonId));
    }

    private string StorePod(string name, string? image = null) =>
        _store.Create(new V1Pod
        {
            ApiVersion = "v1",
            Kind = "Pod",
            Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = "default" },
            Spec = new V1PodSpec { Containers = [new V1Container { Name = "app", Image = image, Command = ["sleep"] }] },
        }, "test").Uid!;

    private void SetRunning(string name, string uid, int pid, string phase = "Running") =>
        _store.UpdateStatus(new ObjectKey("Pod", "default", name), new V1PodStatus
        {
            Phase = phase,
            ContainerStatuses =
            [
                new V1ContainerStatus
                {
                    Name = "app", Image = "", ImageID = "", Ready = true, RestartCount = 0, ContainerID = $"sup://{pid}",
                    State = new V1ContainerState { Running = new V1ContainerStateRunning { StartedAt = DateTime.UtcNow } },
                },
            ],
        }, uid);

    private int Child(string? owner)
    {
        var info = new ProcessStartInfo("sleep", "30") { UseShellExecute = false };
        info.Environment.Remove(ContainerProcesses.OwnerVariable);
        if (owner is not null) info.Environment[ContainerProcesses.OwnerVariable] = owner;
        var child = Process.Start(info)!;
        _children.Add(child);
        return child.Id;
    }
}
