using System.Text.Json;

namespace MiniKube.Sup.EndToEnd;

/// <summary>Manifests written for a cluster carry kinds that mean nothing on one host (ServiceAccounts, Roles,
/// PodDisruptionBudgets, StorageClasses...): they load with one warning per kind, are stored and served as the API
/// server serves them (kubectl's warnings included), and the rest of the file runs.</summary>
public sealed class InertKindTests
{
    private const string Stack = """
        apiVersion: v1
        kind: ServiceAccount
        metadata: {name: web}
        ---
        apiVersion: rbac.authorization.k8s.io/v1
        kind: Role
        metadata: {name: pod-reader}
        rules:
          - apiGroups: [""]
            resources: [pods]
            verbs: [get, list, watch]
        ---
        apiVersion: policy/v1
        kind: PodDisruptionBudget
        metadata: {name: web-pdb}
        spec:
          minAvailable: 1
          selector: {matchLabels: {app: web}}
        ---
        apiVersion: storage.k8s.io/v1
        kind: StorageClass
        metadata: {name: fast}
        provisioner: kubernetes.io/no-provisioner
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
              serviceAccountName: web
              terminationGracePeriodSeconds: 2
              containers:
                - name: app
                  command: ["TESTAPP"]
        """;

    [Fact]
    public async Task A_file_with_service_accounts_roles_and_budgets_runs_with_one_warning_per_kind_and_serves_them()
    {
        await using var d = new SupDaemon(Stack);
        var (valid, validated, warnings) = await SupDaemon.Run(Binaries.Sup, ["validate", "-f", d.ManifestPath]);
        Assert.True(valid == 0, warnings);
        Assert.Contains("5 object(s) valid", validated);
        string[] expected = ["ServiceAccount/web", "Role/pod-reader", "PodDisruptionBudget/web-pdb", "StorageClass/fast"];
        foreach (var name in expected) Assert.Contains($"{name}: stored, has no effect on one host", warnings);
        Assert.Equal(expected.Length + 1, warnings.Split('\n').Count(l => l.StartsWith("Warning: ", StringComparison.Ordinal))); // + serviceAccountName

        await d.StartAsync(listen: true);
        Assert.Equal(0, (await d.Sup("rollout", "status", "deployment/web", "--timeout", "60s")).Code);
        // sup run says the same, once per kind.
        foreach (var name in expected)
            Assert.Equal(1, d.Process.Lines.Count(l => l.Contains($"{name}: stored, has no effect on one host", StringComparison.Ordinal)));

        var (code, table, err) = await d.Kubectl("get", "serviceaccounts,roles,poddisruptionbudgets");
        Assert.True(code == 0, err);
        Assert.Contains("serviceaccount/web", table);
        Assert.Contains("role.rbac.authorization.k8s.io/pod-reader", table);
        Assert.Contains("poddisruptionbudget.policy/web-pdb", table);
        Assert.Contains("web-pdb", (await d.Sup("get", "pdb")).Out);

        // Cluster-scoped: no namespace in its path or its metadata.
        var (_, sc, _) = await d.Kubectl("get", "storageclass", "fast", "-o", "json");
        Assert.False(JsonDocument.Parse(sc).RootElement.GetProperty("metadata").TryGetProperty("namespace", out _));

        var policy = Path.Combine(d.Dir, "policy.yaml");
        File.WriteAllText(policy, "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: deny-all}\nspec:\n  podSelector: {}\n  policyTypes: [Ingress]\n");
        var (applied, appliedOut, appliedWarning) = await d.Kubectl("apply", "--validate=false", "-f", policy);
        Assert.True(applied == 0, appliedWarning);
        Assert.Contains("networkpolicy.networking.k8s.io/deny-all created", appliedOut);
        Assert.Contains("Warning: NetworkPolicy/deny-all: stored, has no effect on one host", appliedWarning);

        Assert.Equal(0, (await d.Kubectl("delete", "storageclass", "fast")).Code);
        Assert.Contains("No resources found", (await d.Kubectl("get", "storageclasses")).Err);
        Assert.Equal(0, await d.StopAsync());
    }
}
