using k8s.Models;
using MiniKube.Sup.Printing;

namespace MiniKube.Sup.Tests.Printing;

public class PodPrinterTests
{
    private static readonly DateTime Now = new(2026, 1, 1, 0, 10, 0, DateTimeKind.Utc);

    private static V1ContainerStatus Done(string name, int restarts) => new()
    {
        Name = name,
        RestartCount = restarts,
        State = new V1ContainerState { Terminated = new V1ContainerStateTerminated { ExitCode = 0, Reason = "Completed" } },
        LastState = restarts > 0 ? new V1ContainerState { Terminated = new V1ContainerStateTerminated { ExitCode = 1, FinishedAt = Now.AddMinutes(-2) } } : null,
    };

    [Fact]
    public void A_retried_job_step_counts_in_RESTARTS_after_the_pod_is_initialized()
    {
        var pod = new V1Pod
        {
            Metadata = new V1ObjectMeta { Name = "etl-x" },
            Spec = new V1PodSpec { InitContainers = [new V1Container { Name = "extract" }, new V1Container { Name = "transform" }], Containers = [new V1Container { Name = "load" }] },
            Status = new V1PodStatus { Phase = "Succeeded", InitContainerStatuses = [Done("extract", 0), Done("transform", 2)], ContainerStatuses = [Done("load", 0)] },
        };
        var columns = PodPrinter.Columns(pod, Now);
        Assert.Equal(("Completed", "2 (2m ago)"), (columns.Status, columns.Restarts));
    }
}
