using System.Net;
using System.Threading.Channels;
using k8s;
using k8s.Autorest;
using k8s.Models;

using MiniKube.Sup.EndToEnd;

namespace MiniKube.Sup.Conformance;

/// <summary>
/// The official Kubernetes C# client (KubernetesClient, which we did not write) against sup's https listener,
/// configured only from the kubeconfig the daemon writes: list and get pods, watch pods, read and follow logs,
/// create and delete a Pod. One daemon for the class; each test that creates a pod uses its own name.
/// </summary>
public sealed class OfficialClientTests(DaemonFixture daemon) : IClassFixture<DaemonFixture>
{
    private const string Ns = DaemonFixture.Namespace;
    private static readonly TimeSpan Step = TimeSpan.FromSeconds(15);

    private Kubernetes Client => daemon.Client;

    [Fact]
    public async Task Official_client_lists_and_gets_pods()
    {
        var list = await Client.CoreV1.ListNamespacedPodAsync(Ns);
        Assert.Contains(list.Items, p => p.Metadata?.Name == DaemonFixture.Talker);
        Assert.All(list.Items, p => Assert.Equal(Ns, p.Metadata?.NamespaceProperty));

        var pod = await daemon.WaitRunningAsync(DaemonFixture.Talker);
        daemon.Record(pod);
        Assert.Equal(DaemonFixture.Talker, pod.Metadata.Name);
        Assert.Equal(Ns, pod.Metadata.NamespaceProperty);
        Assert.Equal("Running", pod.Status.Phase);
        var container = Assert.Single(pod.Status.ContainerStatuses);
        Assert.Equal("app", container.Name);
        Assert.True(container.Ready);
        Assert.Equal(0, container.RestartCount);
        Assert.NotNull(container.State?.Running);
        Assert.StartsWith("sup://", container.ContainerID);
    }

    [Fact]
    public async Task Official_client_watches_pods()
    {
        const string name = "watched";
        var events = Channel.CreateUnbounded<(WatchEventType Type, V1Pod Pod)>();
        var errors = new List<Exception>();
        // List, then watch from the list's resourceVersion (what informers do): every change after the list is
        // delivered whenever the watch request reaches the server.
        var list = await Client.CoreV1.ListNamespacedPodAsync(Ns);
        Assert.False(string.IsNullOrEmpty(list.Metadata?.ResourceVersion), "the pod list has no metadata.resourceVersion");
        using var stop = new CancellationTokenSource();
        var pump = Task.Run(async () =>
        {
            try
            {
                await foreach (var e in Client.CoreV1.WatchListNamespacedPodAsync(Ns, resourceVersion: list.Metadata.ResourceVersion,
                                   onError: x => { lock (errors) errors.Add(x); }, cancellationToken: stop.Token))
                    events.Writer.TryWrite(e);
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested) { }
            catch (Exception x) { lock (errors) errors.Add(x); }
            finally { events.Writer.TryComplete(); }
        });

        var seenForPod = new List<string>();
        try
        {
            await Client.CoreV1.CreateNamespacedPodAsync(TestAppPod(name, "--print", "watched-1"), Ns);

            var first = await NextFor(name, _ => true, "the first event for the new pod");
            Assert.Equal(WatchEventType.Added, first.Type);
            Assert.Equal(Ns, first.Pod.Metadata.NamespaceProperty);

            // sup may store a pod only once it started it, so Running can already be in the ADDED event; otherwise
            // a MODIFIED event follows as it starts.
            var running = first.Pod.Status?.Phase == "Running" ? first
                : await NextFor(name, e => e.Type == WatchEventType.Modified && e.Pod.Status?.Phase == "Running", "a MODIFIED event with phase Running");
            daemon.Record(running.Pod);

            await Client.CoreV1.DeleteNamespacedPodAsync(name, Ns);
            var deleted = await NextFor(name, e => e.Type == WatchEventType.Deleted, "a DELETED event", seconds: 30);
            Assert.Equal(name, deleted.Pod.Metadata.Name);
            // Between ADDED and DELETED the pod changed at least once (it started, or it was marked for deletion).
            Assert.Contains(seenForPod, e => e.StartsWith(nameof(WatchEventType.Modified), StringComparison.Ordinal));
        }
        finally
        {
            await stop.CancelAsync(); // closes the watch request
            await pump.WaitAsync(Step);
        }
        lock (errors) Assert.DoesNotContain(errors, e => e is not OperationCanceledException);

        async Task<(WatchEventType Type, V1Pod Pod)> NextFor(string pod, Func<(WatchEventType Type, V1Pod Pod), bool> match, string what, double seconds = 15)
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(seconds));
            var seen = new List<string>();
            try
            {
                while (true)
                {
                    var e = await events.Reader.ReadAsync(timeout.Token);
                    if (e.Pod?.Metadata?.Name != pod) continue;
                    seen.Add($"{e.Type} phase={e.Pod.Status?.Phase}");
                    seenForPod.Add($"{e.Type} phase={e.Pod.Status?.Phase} deletionTimestamp={e.Pod.Metadata.DeletionTimestamp}");
                    if (match(e)) return e;
                }
            }
            catch (OperationCanceledException)
            {
                string errs;
                lock (errors) errs = string.Join("; ", errors.Select(x => x.Message));
                throw new TimeoutException($"no {what} for {pod} within {seconds} s; saw [{string.Join(", ", seen)}]; watch errors [{errs}]");
            }
            catch (ChannelClosedException)
            {
                throw new InvalidOperationException($"the watch closed before {what} for {pod}; saw [{string.Join(", ", seen)}]");
            }
        }
    }

    [Fact]
    public async Task Official_client_reads_and_follows_logs()
    {
        await daemon.WaitRunningAsync(DaemonFixture.Talker);
        var text = await Poll.For(async () =>
        {
            await using var stream = await Client.CoreV1.ReadNamespacedPodLogAsync(DaemonFixture.Talker, Ns);
            var all = await new StreamReader(stream).ReadToEndAsync();
            return all.Contains("hello-2", StringComparison.Ordinal) ? all : null;
        }, "the log of talker to contain hello-2");
        Assert.Equal(["hello-1", "hello-2"], text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Take(2));

        // follow: the response stays open; the first two lines arrive at once, then we hang up.
        using var cancel = new CancellationTokenSource(Step);
        var followed = await Client.CoreV1.ReadNamespacedPodLogAsync(DaemonFixture.Talker, Ns, follow: true, cancellationToken: cancel.Token)
            .WaitAsync(Step);
        await using (followed)
        {
            using var reader = new StreamReader(followed);
            Assert.Equal("hello-1", await reader.ReadLineAsync(cancel.Token).AsTask().WaitAsync(Step));
            Assert.Equal("hello-2", await reader.ReadLineAsync(cancel.Token).AsTask().WaitAsync(Step));
            // Nothing more is written by talker, so a follow stream must still be open (not at end of stream).
            var more = reader.ReadLineAsync(cancel.Token).AsTask();
            var finished = await Task.WhenAny(more, Task.Delay(500));
            Assert.NotSame(more, finished);
            cancel.Cancel();
        }
    }

    [Fact]
    public async Task Official_client_creates_and_deletes_a_pod()
    {
        const string name = "created";
        var created = await Client.CoreV1.CreateNamespacedPodAsync(TestAppPod(name, "--print", "created-1"), Ns);
        Assert.Equal(name, created.Metadata.Name);
        Assert.False(string.IsNullOrEmpty(created.Metadata.Uid));

        var list = await Client.CoreV1.ListNamespacedPodAsync(Ns);
        Assert.Contains(list.Items, p => p.Metadata.Name == name);

        var running = await daemon.WaitRunningAsync(name);
        var pid = Assert.Single(daemon.Record(running));
        Assert.True(DaemonFixture.IsAlive(pid), $"container process {pid} of a Running pod is not alive");

        await Client.CoreV1.DeleteNamespacedPodAsync(name, Ns);
        var gone = await Poll.For<HttpOperationException>(async () =>
        {
            try
            {
                await Client.CoreV1.ReadNamespacedPodAsync(name, Ns);
                return null;
            }
            catch (HttpOperationException e) when (e.Response.StatusCode == HttpStatusCode.NotFound)
            {
                return e;
            }
        }, $"GET {name} to answer 404 after delete", 30);
        Assert.Equal(HttpStatusCode.NotFound, gone.Response.StatusCode);
        await Poll.Until(() => !DaemonFixture.IsAlive(pid), $"container process {pid} to be gone after the pod was deleted", 5);

        var after = await Client.CoreV1.ListNamespacedPodAsync(Ns);
        Assert.DoesNotContain(after.Items, p => p.Metadata.Name == name);
    }

    [Fact]
    public async Task Requests_without_the_token_are_refused()
    {
        using var handler = new HttpClientHandler { ServerCertificateCustomValidationCallback = HttpClientHandler.DangerousAcceptAnyServerCertificateValidator };
        using var http = new HttpClient(handler) { BaseAddress = daemon.Server, Timeout = Step };

        using var anonymous = await http.GetAsync("/api/v1/namespaces/default/pods");
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);

        using var wrong = new HttpRequestMessage(HttpMethod.Get, "/api/v1/namespaces/default/pods");
        wrong.Headers.Authorization = new("Bearer", new string('0', daemon.Token.Length));
        using var refused = await http.SendAsync(wrong);
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);

        // The same request with the token works: the refusal above is about the token, not the path.
        using var right = new HttpRequestMessage(HttpMethod.Get, "/api/v1/namespaces/default/pods");
        right.Headers.Authorization = new("Bearer", daemon.Token);
        using var ok = await http.SendAsync(right);
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
    }

    private static V1Pod TestAppPod(string name, params string[] args) => new()
    {
        ApiVersion = "v1",
        Kind = "Pod",
        Metadata = new V1ObjectMeta { Name = name, Labels = new Dictionary<string, string> { ["app"] = name } },
        Spec = new V1PodSpec
        {
            TerminationGracePeriodSeconds = 5,
            Containers = [new V1Container { Name = "app", Command = [Binaries.TestApp], Args = args }],
        },
    };
}
