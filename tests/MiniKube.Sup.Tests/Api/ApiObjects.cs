using System.Text.Json.Nodes;

namespace MiniKube.Sup.Tests.Api;

/// <summary>Small valid objects as a client sends them (JSON bodies).</summary>
internal static class ApiObjects
{
    public static string ConfigMap(string name, string value = "one", string app = "web", string? resourceVersion = null, string ns = "default") =>
        new JsonObject
        {
            ["apiVersion"] = "v1",
            ["kind"] = "ConfigMap",
            ["metadata"] = Metadata(name, resourceVersion, ns, app),
            ["data"] = new JsonObject { ["key"] = value },
        }.ToJsonString();

    public static string Pod(string name, string app = "web", long grace = 30) =>
        new JsonObject
        {
            ["apiVersion"] = "v1",
            ["kind"] = "Pod",
            ["metadata"] = Metadata(name, null, "default", app),
            ["spec"] = new JsonObject { ["terminationGracePeriodSeconds"] = grace, ["containers"] = new JsonArray(Container("app")) },
        }.ToJsonString();

    /// <summary>A Deployment of two containers, app (whose IMAGE variable stands for its version) and sidecar.</summary>
    public static string Deployment(string name, int replicas = 2, string image = "v1", string? resourceVersion = null)
    {
        var app = Container("app");
        app["env"] = new JsonArray(new JsonObject { ["name"] = "IMAGE", ["value"] = image });
        return new JsonObject
        {
            ["apiVersion"] = "apps/v1",
            ["kind"] = "Deployment",
            ["metadata"] = Metadata(name, resourceVersion, "default", app: null),
            ["spec"] = new JsonObject
            {
                ["replicas"] = replicas,
                ["selector"] = new JsonObject { ["matchLabels"] = new JsonObject { ["app"] = name } },
                ["template"] = new JsonObject
                {
                    ["metadata"] = new JsonObject { ["labels"] = new JsonObject { ["app"] = name } },
                    ["spec"] = new JsonObject { ["containers"] = new JsonArray(app, Container("sidecar")) },
                },
            },
        }.ToJsonString();
    }

    private static JsonObject Metadata(string name, string? resourceVersion, string ns, string? app)
    {
        var metadata = new JsonObject { ["name"] = name, ["namespace"] = ns };
        if (app is not null) metadata["labels"] = new JsonObject { ["app"] = app };
        if (resourceVersion is not null) metadata["resourceVersion"] = resourceVersion;
        return metadata;
    }

    private static JsonObject Container(string name) => new() { ["name"] = name, ["command"] = new JsonArray("sleep", "infinity") };
}
