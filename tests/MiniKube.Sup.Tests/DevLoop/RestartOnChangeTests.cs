using k8s.Models;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using MiniKube.Sup.DevLoop;
using MiniKube.Sup.Store;
using static MiniKube.Sup.Testing.Poll;

namespace MiniKube.Sup.Tests.DevLoop;

/// <summary>sup.minikube.io/restart-on-change over a real store and real files (fake clock for the debounce).</summary>
public sealed class RestartOnChangeTests : IAsyncLifetime
{
    private readonly FakeTimeProvider _time = TestClock.Create();
    private readonly TempDirectory _root = new("sup-devloop-");
    private readonly ObjectStore _store;
    private readonly RestartOnChange _watch;

    public RestartOnChangeTests()
    {
        _store = StoreTesting.Open(_time);
        _watch = new RestartOnChange(_store, _time, _root.Path, NullLogger.Instance);
        Directory.CreateDirectory(Path.Combine(_root.Path, "src", "deep"));
        Directory.CreateDirectory(Path.Combine(_root.Path, "config"));
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        await _watch.DisposeAsync();
        _store.Dispose();
        _root.Dispose();
    }

    private static Dictionary<string, string> Watching(string patterns) => new() { ["sup.minikube.io/restart-on-change"] = patterns };

    private string? RestartedAt() =>
        _store.Get("Deployment", "web")?.As<V1Deployment>().Spec.Template.Metadata?.Annotations is { } a && a.TryGetValue("kubectl.kubernetes.io/restartedAt", out var at) ? at : null;

    /// <summary>Lets the clock pass the debounce until <paramref name="condition"/> holds (the file watch's events come
    /// on their own threads).</summary>
    private Task AdvanceUntil(Func<bool> condition, string what) => Until(() =>
    {
        _time.Advance(RestartOnChange.Debounce);
        return condition();
    }, what);

    [Fact]
    public async Task A_matching_file_change_gives_a_Deployment_a_rolling_restart_and_others_do_not()
    {
        _store.Create(new V1Deployment
        {
            ApiVersion = "apps/v1", Kind = "Deployment", Metadata = new V1ObjectMeta { Name = "web" },
            Spec = new V1DeploymentSpec
            {
                Selector = new V1LabelSelector(),
                Template = new V1PodTemplateSpec { Metadata = new V1ObjectMeta { Annotations = Watching("src/**/*.cs, config/*.yaml") }, Spec = new V1PodSpec() },
            },
        }, "test");
        _watch.Start();
        await Task.Delay(200); // the watch set up

        File.WriteAllText(Path.Combine(_root.Path, "config", "notes.txt"), "not watched");
        File.WriteAllText(Path.Combine(_root.Path, "src", "README"), "not watched");
        for (var i = 0; i < 5; i++) _time.Advance(RestartOnChange.Debounce);
        await Task.Delay(300);
        for (var i = 0; i < 3; i++) _time.Advance(RestartOnChange.Debounce);
        Assert.Null(RestartedAt());

        File.WriteAllText(Path.Combine(_root.Path, "src", "deep", "App.cs"), "class App {}");
        await AdvanceUntil(() => RestartedAt() is not null, "a rolling restart");
        var first = RestartedAt();

        _time.Advance(TimeSpan.FromSeconds(5));
        File.WriteAllText(Path.Combine(_root.Path, "config", "app.yaml"), "mode: dev");
        await AdvanceUntil(() => RestartedAt() != first, "another one");
    }

    [Fact]
    public async Task A_bare_pod_is_marked_for_a_restart_in_place_and_a_pod_a_controller_owns_is_not()
    {
        V1Pod Pod(string name, bool owned) => new()
        {
            ApiVersion = "v1", Kind = "Pod",
            Metadata = new V1ObjectMeta
            {
                Name = name, Annotations = Watching("src/*"),
                OwnerReferences = owned ? [new V1OwnerReference { Kind = "ReplicaSet", Name = "rs", Uid = "u", Controller = true, ApiVersion = "apps/v1" }] : null,
            },
            Spec = new V1PodSpec { Containers = [new V1Container { Name = "app", Command = ["true"] }] },
        };
        _store.Create(Pod("alone", owned: false), "test");
        _store.Create(Pod("owned", owned: true), "test");
        _watch.Start();
        await Task.Delay(200);

        File.WriteAllText(Path.Combine(_root.Path, "src", "main.go"), "package main");
        string? Marked(string pod) => _store.Get("Pod", pod)?.As<V1Pod>().Metadata.Annotations is { } a && a.TryGetValue("sup.minikube.io/restarted-at", out var at) ? at : null;
        await AdvanceUntil(() => Marked("alone") is not null, "the bare pod marked");
        Assert.Null(Marked("owned"));
    }
}
