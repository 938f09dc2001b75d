using System.Text.RegularExpressions;

namespace MiniKube.Sup.EndToEnd;

/// <summary>`kubectl get` of the kinds beyond the workloads shows kubectl's own columns for them (computed by the
/// daemon as kube-apiserver's printers do), and `sup get` prints the same text.</summary>
public sealed partial class GetColumnsTests
{
    private const string Stack = """
        apiVersion: v1
        kind: PersistentVolumeClaim
        metadata: {name: data}
        spec:
          accessModes: [ReadWriteOnce]
          storageClassName: local
          resources: {requests: {storage: 1Gi}}
        ---
        apiVersion: v1
        kind: PersistentVolumeClaim
        metadata: {name: cache}
        spec:
          accessModes: [ReadOnlyMany, ReadWriteOnce]
          storageClassName: local
          resources: {requests: {storage: 512Mi}}
        ---
        apiVersion: v1
        kind: Pod
        metadata: {name: cacher}
        spec:
          terminationGracePeriodSeconds: 3
          containers: [{name: app, command: ["TESTAPP"]}]
          volumes: [{name: cache, persistentVolumeClaim: {claimName: cache}}]
        ---
        apiVersion: v1
        kind: ServiceAccount
        metadata: {name: web}
        ---
        apiVersion: policy/v1
        kind: PodDisruptionBudget
        metadata: {name: web-pdb}
        spec:
          minAvailable: 1
          selector: {matchLabels: {app: web}}
        ---
        apiVersion: networking.k8s.io/v1
        kind: NetworkPolicy
        metadata: {name: web-only}
        spec:
          podSelector: {matchLabels: {tier: web, app: shop}}
          policyTypes: [Ingress]
        ---
        apiVersion: rbac.authorization.k8s.io/v1
        kind: Role
        metadata: {name: pod-reader}
        rules:
          - apiGroups: [""]
            resources: [pods]
            verbs: [get, list, watch]
        """;

    [Fact]
    public async Task Kubectl_get_shows_kubectls_columns_for_claims_accounts_budgets_policies_and_roles_and_sup_get_prints_the_same()
    {
        await using var d = new SupDaemon(Stack);
        await d.StartAsync(listen: true);
        // A claim is Bound once the first pod that uses it has made its directory; the other waits for one.
        await Poll.Until(() => d.Kubectl("get", "pvc", "cache", "-o", "jsonpath={.status.phase}").GetAwaiter().GetResult().Out == "Bound", "claim cache Bound", 60);

        (string Kind, string Header, string[] Rows)[] expected =
        [
            ("pvc", @"^NAME\s+STATUS\s+VOLUME\s+CAPACITY\s+ACCESS MODES\s+STORAGECLASS\s+VOLUMEATTRIBUTESCLASS\s+AGE$",
                [@"^cache\s+Bound\s+pvc-[0-9a-f-]{36}\s+512Mi\s+RWO,ROX\s+local\s+<unset>\s+\d+s$", @"^data\s+Pending\s+local\s+<unset>\s+\d+s$"]),
            ("sa", @"^NAME\s+SECRETS\s+AGE$", [@"^web\s+0\s+\d+s$"]),
            ("pdb", @"^NAME\s+MIN AVAILABLE\s+MAX UNAVAILABLE\s+ALLOWED DISRUPTIONS\s+AGE$", [@"^web-pdb\s+1\s+N/A\s+0\s+\d+s$"]),
            ("netpol", @"^NAME\s+POD-SELECTOR\s+AGE$", [@"^web-only\s+app=shop,tier=web\s+\d+s$"]),
            ("roles", @"^NAME\s+CREATED AT$", [@"^pod-reader\s+\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$"]),
        ];
        foreach (var (kind, header, rows) in expected)
        {
            var (code, table, err) = await d.Kubectl("get", kind);
            Assert.True(code == 0, err);
            var lines = table.TrimEnd('\n').Split('\n');
            Assert.True(lines.Length == rows.Length + 1, table);
            Assert.Matches(header, lines[0]);
            for (var i = 0; i < rows.Length; i++) Assert.Matches(rows[i], lines[i + 1]);

            var (supCode, sup, supErr) = await d.Sup("get", kind);
            Assert.True(supCode == 0, supErr);
            Assert.Equal(WithoutAges(table), WithoutAges(sup));
        }
        Assert.Equal(0, await d.StopAsync());
    }

    /// <summary>The two reads may straddle a second: ages (and the padding they set) compared as one token.</summary>
    private static string WithoutAges(string table) => Spaces().Replace(Age().Replace(table, "AGE"), " ");

    [GeneratedRegex(@"\b\d+[smhd]\b")]
    private static partial Regex Age();

    [GeneratedRegex(" +")]
    private static partial Regex Spaces();
}
