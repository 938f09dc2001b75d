using System.Net;
using System.Text.Json.Nodes;
using MiniKube.Sup.Store;
using static MiniKube.Sup.Tests.Api.ApiObjects;
using static MiniKube.Sup.Tests.Api.ApiServer;

namespace MiniKube.Sup.Tests.Api;

/// <summary>DELETE: at once for most objects, gracefully for a pod (marked, and gone once whoever runs it removes it),
/// and only if its preconditions (uid, resourceVersion) hold.</summary>
public sealed class ApiDeleteTests : IAsyncLifetime
{
    private ApiServer _api = null!;

    public async Task InitializeAsync() => _api = await StartAsync();

    public async Task DisposeAsync() => await _api.DisposeAsync();

    private static string Preconditions(string? uid = null, string? resourceVersion = null) =>
        new JsonObject
        {
            ["kind"] = "DeleteOptions",
            ["apiVersion"] = "v1",
            ["preconditions"] = new JsonObject { ["uid"] = uid, ["resourceVersion"] = resourceVersion },
        }.ToJsonString();

    [Fact]
    public async Task A_deleted_configmap_is_gone_at_once_and_the_answer_is_a_Success_Status()
    {
        await _api.Created(ConfigMapsPath, ConfigMap("settings"));

        var response = (await _api.Delete(ConfigMapsPath + "/settings")).Is(HttpStatusCode.OK);

        Assert.Equal(("Status", "Success"), (response.Body!["kind"]!.GetValue<string>(), response.Body["status"]!.GetValue<string>()));
        (await _api.Get(ConfigMapsPath + "/settings")).IsStatus(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Deleting_a_missing_object_answers_404()
    {
        (await _api.Delete(ConfigMapsPath + "/nothing")).IsStatus(HttpStatusCode.NotFound, "NotFound");
    }

    [Fact]
    public async Task A_delete_whose_uid_precondition_holds_deletes()
    {
        var created = await _api.Created(ConfigMapsPath, ConfigMap("settings"));

        (await _api.Delete(ConfigMapsPath + "/settings", Preconditions(uid: created["metadata"]!["uid"]!.GetValue<string>()))).Is(HttpStatusCode.OK);

        Assert.Null(_api.Store.Get("ConfigMap", "settings"));
    }

    [Fact]
    public async Task A_delete_for_another_uid_answers_409_Conflict_and_keeps_the_object()
    {
        await _api.Created(ConfigMapsPath, ConfigMap("settings"));

        (await _api.Delete(ConfigMapsPath + "/settings", Preconditions(uid: "someone-else"))).IsStatus(HttpStatusCode.Conflict, "Conflict");

        Assert.NotNull(_api.Store.Get("ConfigMap", "settings"));
    }

    [Fact]
    public async Task A_delete_on_a_stale_resourceVersion_answers_409_Conflict_and_keeps_the_object()
    {
        var created = await _api.Created(ConfigMapsPath, ConfigMap("settings", "one"));
        var stale = created["metadata"]!["resourceVersion"]!.GetValue<string>();
        await _api.Put(ConfigMapsPath + "/settings", ConfigMap("settings", "two"));

        (await _api.Delete(ConfigMapsPath + "/settings", Preconditions(resourceVersion: stale))).IsStatus(HttpStatusCode.Conflict, "Conflict");

        Assert.NotNull(_api.Store.Get("ConfigMap", "settings"));
    }

    [Fact]
    public async Task A_deleted_pod_is_answered_marked_with_its_grace_period_and_stays_until_it_is_removed()
    {
        var created = await _api.Created(PodsPath, Pod("web", grace: 20));

        var marked = (await _api.Delete(PodsPath + "/web")).Is(HttpStatusCode.OK).Body!;

        Assert.Equal("Pod", marked["kind"]!.GetValue<string>());
        Assert.Equal(TestClock.Start.UtcDateTime, marked["metadata"]!["deletionTimestamp"]!.GetValue<DateTime>().ToUniversalTime());
        Assert.Equal(20, marked["metadata"]!["deletionGracePeriodSeconds"]!.GetValue<long>());
        var listed = (await _api.Get(PodsPath)).Body!["items"]!.AsArray();
        Assert.NotNull(Assert.Single(listed)!["metadata"]!["deletionTimestamp"]);

        // The pod agent removes it once its containers are down.
        Assert.True(_api.Store.Remove(ObjectKey.Default("Pod", "web"), created["metadata"]!["uid"]!.GetValue<string>()));
        (await _api.Get(PodsPath + "/web")).IsStatus(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task A_second_pod_delete_may_shorten_the_grace_period_but_not_lengthen_it()
    {
        await _api.Created(PodsPath, Pod("web", grace: 30));

        var first = (await _api.Delete(PodsPath + "/web?gracePeriodSeconds=10")).Is(HttpStatusCode.OK).Body!;
        var longer = (await _api.Delete(PodsPath + "/web?gracePeriodSeconds=60")).Is(HttpStatusCode.OK).Body!;
        var shorter = (await _api.Delete(PodsPath + "/web", """{"kind":"DeleteOptions","apiVersion":"v1","gracePeriodSeconds":0}""")).Is(HttpStatusCode.OK).Body!;

        Assert.Equal(10, first["metadata"]!["deletionGracePeriodSeconds"]!.GetValue<long>());
        Assert.Equal(10, longer["metadata"]!["deletionGracePeriodSeconds"]!.GetValue<long>());
        Assert.Equal(0, shorter["metadata"]!["deletionGracePeriodSeconds"]!.GetValue<long>());
    }
}
