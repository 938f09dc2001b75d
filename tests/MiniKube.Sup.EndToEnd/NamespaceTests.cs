using System.Text.Json;

namespace MiniKube.Sup.EndToEnd;

/// <summary>Manifests that use namespaces run as written: a Namespace and what it holds (ServiceAccount, Role,
/// PodDisruptionBudget: one warning each), objects of the same name in two namespaces side by side, -n and -A on the
/// CLI and kubectl, a namespace nothing declares made on demand with a warning, and deleting a Namespace deleting
/// what it holds.</summary>
public sealed class NamespaceTests
{
    private const string Stack = """
        apiVersion: v1
        kind: Namespace
        metadata: {name: shop}
        ---
        apiVersion: v1
        kind: ServiceAccount
        metadata: {name: web, namespace: shop}
        ---
        apiVersion: rbac.authorization.k8s.io/v1
        kind: Role
        metadata: {name: pod-reader, namespace: shop}
        rules:
          - apiGroups: [""]
            resources: [pods]
            verbs: [get, list]
        ---
        apiVersion: policy/v1
        kind: PodDisruptionBudget
        metadata: {name: web-pdb, namespace: shop}
        spec:
          minAvailable: 1
          selector: {matchLabels: {app: web}}
        ---
        apiVersion: v1
        kind: ConfigMap
        metadata: {name: settings, namespace: shop}
        data: {GREETING: from-shop}
        ---
        apiVersion: v1
        kind: ConfigMap
        metadata: {name: settings}
        data: {GREETING: from-default}
        ---
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: web, namespace: shop}
        spec:
          replicas: 1
          selector: {matchLabels: {app: web}}
          template:
            metadata: {labels: {app: web}}
            spec:
              terminationGracePeriodSeconds: 2
              containers:
                - name: app
                  command: ["TESTAPP", "--print-env", "GREETING"]
                  envFrom: [{configMapRef: {name: settings}}]
        ---
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: web}
        spec:
          replicas: 1
          selector: {matchLabels: {app: web}}
          template:
            metadata: {labels: {app: web}}
            spec:
              terminationGracePeriodSeconds: 2
              containers:
                - name: app
                  command: ["TESTAPP", "--print-env", "GREETING"]
                  envFrom: [{configMapRef: {name: settings}}]
        """;

    [Fact]
    public async Task A_namespace_and_what_it_holds_run_beside_the_same_names_in_default_and_go_with_it()
    {
        await using var d = new SupDaemon(Stack);
        var (valid, _, warnings) = await SupDaemon.Run(Binaries.Sup, ["validate", "-f", d.ManifestPath]);
        Assert.True(valid == 0, warnings);
        foreach (var name in new[] { "ServiceAccount/web", "Role/pod-reader", "PodDisruptionBudget/web-pdb" })
            Assert.Contains($"{name}: stored, has no effect on one host", warnings);
        Assert.DoesNotContain("Namespace/shop", warnings);

        await d.StartAsync(listen: true);
        Assert.Equal(0, (await d.Sup("rollout", "status", "deployment/web", "-n", "shop", "--timeout", "60s")).Code);
        Assert.Equal(0, (await d.Sup("rollout", "status", "deployment/web", "--timeout", "60s")).Code);

        // Each namespace's pod, its own ConfigMap, its own log.
        var shopPod = await OnlyPod(d, "-n", "shop");
        var defaultPod = await OnlyPod(d);
        await Poll.Until(() => d.Sup("logs", shopPod, "-n", "shop").GetAwaiter().GetResult().Out.Contains("GREETING=from-shop"), "the shop pod's log");
        await Poll.Until(() => d.Sup("logs", defaultPod).GetAwaiter().GetResult().Out.Contains("GREETING=from-default"), "the default pod's log");

        var (_, ps, _) = await d.Sup("ps");
        Assert.Contains($"shop/{shopPod}", ps); // two pods of one name in two namespaces are told apart
        Assert.Contains(defaultPod, ps);
        var (_, all, _) = await d.Sup("get", "pods", "-A");
        Assert.StartsWith("NAMESPACE", all);
        Assert.Contains("shop ", all);
        Assert.Contains("default ", all);
        var (kubectl, table, kubectlErr) = await d.Kubectl("get", "pods", "-n", "shop", "-o", "name");
        Assert.True(kubectl == 0, kubectlErr);
        Assert.Equal($"pod/{shopPod}", table.Trim());
        var (_, namespaces, _) = await d.Kubectl("get", "namespaces");
        Assert.Matches(@"shop\s+Active", namespaces);
        Assert.Matches(@"default\s+Active", namespaces);

        // A namespace nothing declares is made on demand, and says so.
        var extra = Path.Combine(d.Dir, "extra.yaml");
        File.WriteAllText(extra, "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: settings, namespace: extra}\n");
        var (applied, appliedOut, appliedWarning) = await d.Kubectl("apply", "--validate=false", "-f", extra);
        Assert.True(applied == 0, appliedWarning);
        Assert.Contains("configmap/settings created", appliedOut);
        Assert.Contains("namespace \"extra\" created on demand", appliedWarning);

        // Deleting the Namespace deletes what it holds, gracefully, and then itself; default keeps running.
        var (deleted, _, deleteErr) = await d.Kubectl("delete", "namespace", "shop", "--timeout=60s");
        Assert.True(deleted == 0, deleteErr);
        Assert.Contains("No resources found", (await d.Kubectl("get", "pods", "-n", "shop")).Err);
        Assert.Contains("NotFound", (await d.Kubectl("get", "namespace", "shop")).Err);
        Assert.Equal(defaultPod, await OnlyPod(d));
        Assert.Contains("forbidden", (await d.Kubectl("delete", "namespace", "default")).Err);
        Assert.Equal(0, await d.StopAsync());
    }

    private static async Task<string> OnlyPod(SupDaemon d, params string[] ns)
    {
        var (code, json, err) = await d.Sup(["get", "pods", "-o", "json", .. ns]);
        Assert.True(code == 0, err);
        var items = JsonDocument.Parse(json).RootElement.GetProperty("items");
        Assert.Equal(1, items.GetArrayLength());
        return items[0].GetProperty("metadata").GetProperty("name").GetString()!;
    }
}
