namespace MiniKube.Sup.EndToEnd;

/// <summary>`sup describe` of the kinds users describe most, in kubectl describe's words.</summary>
public sealed class DescribeTests
{
    private const string Stack = """
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: web, labels: {app: web}}
        spec:
          replicas: 2
          selector: {matchLabels: {app: web}}
          template:
            metadata: {labels: {app: web}}
            spec:
              terminationGracePeriodSeconds: 3
              containers:
                - name: app
                  command: ["TESTAPP"]
                  env: [{name: MODE, value: demo}]
        ---
        apiVersion: v1
        kind: ConfigMap
        metadata: {name: settings}
        data: {mode: demo}
        ---
        apiVersion: batch/v1
        kind: Job
        metadata: {name: once}
        spec:
          template:
            spec:
              restartPolicy: Never
              containers: [{name: step, command: ["TESTAPP", "--exit", "0"]}]
        """;

    [Fact]
    public async Task Deployments_ConfigMaps_and_Jobs_are_described_as_kubectl_describes_them()
    {
        await using var d = new SupDaemon(Stack);
        await d.StartAsync();
        await Poll.Until(() => d.Sup("describe", "deploy/web").GetAwaiter().GetResult().Out.Contains("2 available"), "2 available replicas", 30);
        await Poll.Until(() => d.Sup("describe", "job", "once").GetAwaiter().GetResult().Out.Contains("1 Succeeded"), "the Job done", 30);

        var (code, deployment, _) = await d.Sup("describe", "deploy/web");
        Assert.Equal(0, code);
        Assert.Contains("Replicas:               2 desired | 2 updated | 2 total | 2 available | 0 unavailable", deployment);
        Assert.Contains("RollingUpdateStrategy:  25% max unavailable, 25% max surge", deployment);
        Assert.Contains("Annotations:            deployment.kubernetes.io/revision: 1", deployment);
        Assert.Contains("      MODE:  demo", deployment);
        Assert.Matches(@"Available\s+True\s+MinimumReplicasAvailable", deployment);
        Assert.Contains("ScalingReplicaSet", deployment);

        var (_, map, _) = await d.Sup("describe", "cm", "settings");
        Assert.Contains("Data\n====\nmode:\n----\ndemo\n", map);

        var (_, job, _) = await d.Sup("describe", "job/once");
        Assert.Contains("Pods Statuses:    0 Active (0 Ready) / 1 Succeeded / 0 Failed", job);
        Assert.Matches(@"Complete\s+True", job);
    }

    private const string Claims = """
        apiVersion: v1
        kind: PersistentVolumeClaim
        metadata: {name: data, labels: {app: db, tier: store}}
        spec:
          accessModes: [ReadOnlyMany, ReadWriteOnce]
          resources: {requests: {storage: 1Gi}}
        ---
        apiVersion: v1
        kind: Pod
        metadata: {name: db, labels: {app: db}}
        spec:
          terminationGracePeriodSeconds: 3
          containers: [{name: db, command: ["TESTAPP"]}]
          volumes: [{name: data, persistentVolumeClaim: {claimName: data}}]
        ---
        apiVersion: v1
        kind: Service
        metadata: {name: db}
        spec:
          selector: {app: db}
          ports: [{name: sql, port: 3306}]
        ---
        apiVersion: v1
        kind: ServiceAccount
        metadata: {name: app, annotations: {owner: team-a}}
        ---
        apiVersion: v1
        kind: ReplicationController
        metadata: {name: legacy}
        spec:
          replicas: 1
          selector: {app: legacy}
          template:
            metadata: {labels: {app: legacy}}
            spec:
              terminationGracePeriodSeconds: 3
              containers: [{name: app, command: ["TESTAPP"]}]
        ---
        apiVersion: apps/v1
        kind: StatefulSet
        metadata: {name: cache}
        spec:
          serviceName: cache
          replicas: 1
          selector: {matchLabels: {app: cache}}
          template:
            metadata: {labels: {app: cache}}
            spec:
              terminationGracePeriodSeconds: 3
              containers: [{name: app, command: ["TESTAPP"], env: [{name: MODE, value: cache}]}]
        ---
        apiVersion: networking.k8s.io/v1
        kind: Ingress
        metadata: {name: site, labels: {app: db}, annotations: {note: front}}
        spec:
          ingressClassName: nginx
          defaultBackend: {service: {name: db, port: {name: sql}}}
          tls: [{hosts: [a.example.com, www.example.com], secretName: tls-a}, {hosts: [b.example.com]}]
          rules:
            - host: a.example.com
              http:
                paths:
                  - {path: /, pathType: Prefix, backend: {service: {name: db, port: {number: 3306}}}}
                  - {path: /api, pathType: Prefix, backend: {service: {name: missing, port: {number: 80}}}}
            - http:
                paths:
                  - {path: /static, pathType: Prefix, backend: {resource: {apiGroup: k8s.example.com, kind: StorageBucket, name: static}}}
        """;

    [Theory]
    [InlineData("pvc", "data")]
    [InlineData("endpoints", "db")]
    [InlineData("serviceaccount", "app")]
    [InlineData("rc", "legacy")]
    [InlineData("ingress", "site")]
    // Named by what finds them: pod db's Started event, StatefulSet cache's revision.
    [InlineData("event", "--field-selector=involvedObject.name=db")]
    [InlineData("controllerrevision", "")]
    public async Task Claims_Endpoints_ServiceAccounts_ReplicationControllers_Ingresses_Events_and_ControllerRevisions_are_described_as_kubectl_describes_them(string kind, string name)
    {
        await using var d = new SupDaemon(Claims);
        await d.StartAsync();
        var (code, output, err) = await d.Sup("wait", "--for=condition=Ready", "pod/db", "--timeout", "60s");
        Assert.True(code == 0, output + err);
        await Poll.Until(() => d.Sup("get", "pods").GetAwaiter().GetResult().Out.Contains("legacy-"), "the ReplicationController's pod", 30);
        if (kind is "event" or "controllerrevision")
        {
            string[] find = kind == "event"
                ? ["get", kind, name, "-o", "jsonpath={.items[?(@.reason==\"Started\")].metadata.name}"]
                : ["get", kind, "-o", "jsonpath={.items[0].metadata.name}"];
            await Poll.Until(() => d.Kubectl(find).GetAwaiter().GetResult().Out.Length > 0, $"a {kind} to describe", 30);
            name = (await d.Kubectl(find)).Out.Trim();
        }

        if (kind == "ingress")
            await Poll.Until(() => d.Sup("get", "endpoints", "db").GetAwaiter().GetResult().Out.Contains(":3306"), "the Service's endpoint", 30);
        // The claim is bound once pod db has made its directory: capacity and access modes show from then on.
        await Poll.Until(() => d.Kubectl("get", "pvc", "data", "-o", "jsonpath={.status.phase}").GetAwaiter().GetResult().Out == "Bound", "claim data Bound", 30);

        // kubectl formats what it reads from our API itself: the same text, up to the events.
        var (kubectlCode, expected, kubectlErr) = await d.Kubectl("describe", kind, name);
        Assert.True(kubectlCode == 0, kubectlErr);
        var (supCode, actual, _) = await d.Sup("describe", kind, name);
        Assert.Equal(0, supCode);
        if (kind == "ingress")
        {
            // kubectl reads a backend's addresses from EndpointSlices, which sup does not serve (kubectl shows the
            // error); sup shows them from the Service's Endpoints, as kubectl would from its slices.
            Assert.Matches(@"\n\s+/\s+db:3306 \(\d+\.\d+\.\d+\.\d+:3306\)\n", actual);
            Assert.Matches(@"Default backend:\s+db:sql \(\d+\.\d+\.\d+\.\d+:3306\)\n", actual);
            Assert.Contains("missing:80 (<error: services \"missing\" not found>)", actual);
            (expected, actual) = (BackendAddresses(expected), BackendAddresses(actual));
        }
        Assert.Equal(Comparable(expected), Comparable(actual));
    }

    private static string BackendAddresses(string text) =>
        System.Text.RegularExpressions.Regex.Replace(text, @"(\S+:\S+) \((<error: [^\n]*>|[^()\n]*)\)\n", "$1 (…)\n");

    private const string Inert = """
        apiVersion: rbac.authorization.k8s.io/v1
        kind: Role
        metadata: {name: reader, labels: {team: a}, annotations: {owner: team-a}}
        rules:
          - {apiGroups: [""], resources: [pods, pods/log], verbs: [get, list]}
          - {apiGroups: [""], resources: [pods], verbs: [watch, get]}
          - {apiGroups: [apps, batch], resources: [deployments], resourceNames: [web, api], verbs: [get]}
        ---
        apiVersion: rbac.authorization.k8s.io/v1
        kind: ClusterRole
        metadata: {name: viewer}
        rules:
          - {apiGroups: [""], resources: [nodes, namespaces], verbs: [list]}
          - {nonResourceURLs: [/healthz, /metrics], verbs: [get]}
        ---
        apiVersion: rbac.authorization.k8s.io/v1
        kind: RoleBinding
        metadata: {name: read-pods}
        roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: reader}
        subjects:
          - {kind: ServiceAccount, name: app, namespace: default}
          - {kind: User, name: jane, apiGroup: rbac.authorization.k8s.io}
        ---
        apiVersion: rbac.authorization.k8s.io/v1
        kind: ClusterRoleBinding
        metadata: {name: view-all, labels: {team: a}}
        roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: viewer}
        subjects: [{kind: Group, name: ops, apiGroup: rbac.authorization.k8s.io}]
        ---
        apiVersion: policy/v1
        kind: PodDisruptionBudget
        metadata: {name: web}
        spec:
          minAvailable: 1
          selector: {matchLabels: {app: web}, matchExpressions: [{key: tier, operator: In, values: [front, edge]}]}
        ---
        apiVersion: storage.k8s.io/v1
        kind: StorageClass
        metadata: {name: local, annotations: {storageclass.kubernetes.io/is-default-class: "true"}}
        provisioner: kubernetes.io/no-provisioner
        parameters: {type: ssd}
        volumeBindingMode: WaitForFirstConsumer
        ---
        apiVersion: networking.k8s.io/v1
        kind: NetworkPolicy
        metadata: {name: db-in}
        spec:
          podSelector: {matchLabels: {app: db}}
          policyTypes: [Ingress, Egress]
          ingress:
            - from: [{podSelector: {matchLabels: {app: web}}}, {ipBlock: {cidr: 10.0.0.0/8, except: [10.1.0.0/16]}}]
              ports: [{protocol: TCP, port: 5432}]
          egress:
            - to: [{namespaceSelector: {matchLabels: {team: a}}}]
        ---
        apiVersion: networking.k8s.io/v1
        kind: NetworkPolicy
        metadata: {name: mixed}
        spec:
          podSelector: {}
          ingress:
            - from:
                - {ipBlock: {cidr: 172.16.0.0/12, except: [172.16.1.0/24, 172.16.2.0/24]}}
                - {namespaceSelector: {matchLabels: {team: a}}, podSelector: {matchExpressions: [{key: tier, operator: In, values: [web]}]}}
            - ports: [{port: 8080}, {protocol: UDP, port: 5000, endPort: 5010}]
            - {}
          egress:
            - to: [{ipBlock: {cidr: 10.0.0.0/8}}]
              ports: [{port: dns, protocol: UDP}]
            - {}
        ---
        apiVersion: networking.k8s.io/v1
        kind: NetworkPolicy
        metadata: {name: deny-all}
        spec:
          podSelector: {}
          policyTypes: [Ingress, Egress]
        ---
        apiVersion: storage.k8s.io/v1
        kind: StorageClass
        metadata: {name: zoned}
        provisioner: example.com/zoned
        mountOptions: [noatime]
        allowVolumeExpansion: true
        allowedTopologies:
          - matchLabelExpressions: [{key: topology.kubernetes.io/zone, values: [a, b]}, {key: disk, values: [ssd]}]
          - matchLabelExpressions: [{key: kubernetes.io/hostname, values: [h1]}]
        ---
        apiVersion: v1
        kind: PersistentVolume
        metadata: {name: disk, labels: {type: local}, annotations: {note: hand-made}}
        spec:
          storageClassName: local
          capacity: {storage: 5Gi}
          accessModes: [ReadWriteOnce, ReadOnlyMany]
          hostPath: {path: /srv/disk, type: DirectoryOrCreate}
          claimRef: {namespace: default, name: data}
          nodeAffinity:
            required:
              nodeSelectorTerms:
                - matchExpressions: [{key: kubernetes.io/hostname, operator: In, values: [h1, h2]}, {key: ssd, operator: Exists}]
        ---
        apiVersion: v1
        kind: PersistentVolume
        metadata: {name: share}
        spec:
          capacity: {storage: 100Mi}
          accessModes: [ReadWriteMany]
          persistentVolumeReclaimPolicy: Delete
          nfs: {server: 127.0.0.1, path: /exports/share, readOnly: true}
        ---
        apiVersion: scheduling.k8s.io/v1
        kind: PriorityClass
        metadata: {name: high, annotations: {owner: team-a}}
        value: 100000
        globalDefault: false
        description: For the pods that must run first.
        ---
        apiVersion: v1
        kind: LimitRange
        metadata: {name: limits}
        spec:
          limits:
            - {type: Container, max: {cpu: "2"}}
            - {type: Container, min: {memory: 64Mi}}
            - {type: Container, default: {memory: 512Mi}}
            - {type: Container, defaultRequest: {cpu: 100m}}
            - {type: Pod, maxLimitRequestRatio: {cpu: "4"}}
            - {type: PersistentVolumeClaim, max: {storage: 10Gi}}
        ---
        apiVersion: v1
        kind: ResourceQuota
        metadata: {name: quota}
        spec:
          hard: {pods: "10", requests.cpu: "4"}
          scopes: [NotTerminating, BestEffort]
        ---
        apiVersion: networking.k8s.io/v1
        kind: IngressClass
        metadata: {name: nginx, labels: {app: ingress}, annotations: {ingressclass.kubernetes.io/is-default-class: "true"}}
        spec:
          controller: k8s.io/ingress-nginx
          parameters: {apiGroup: k8s.example.com, kind: IngressParameters, name: external-lb}
        ---
        apiVersion: autoscaling/v2
        kind: HorizontalPodAutoscaler
        metadata: {name: web, labels: {app: web}}
        spec:
          scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}
          minReplicas: 2
          maxReplicas: 10
          metrics:
            - {type: Resource, resource: {name: cpu, target: {type: Utilization, averageUtilization: 60}}}
            - {type: Resource, resource: {name: memory, target: {type: AverageValue, averageValue: 500Mi}}}
            - {type: Pods, pods: {metric: {name: requests_per_second}, target: {type: AverageValue, averageValue: "1k"}}}
            - {type: External, external: {metric: {name: queue_length}, target: {type: Value, value: "30"}}}
          behavior:
            scaleDown:
              stabilizationWindowSeconds: 300
              policies: [{type: Pods, value: 1, periodSeconds: 60}, {type: Percent, value: 10, periodSeconds: 60}]
              selectPolicy: Min
        ---
        apiVersion: autoscaling/v2
        kind: HorizontalPodAutoscaler
        metadata: {name: api}
        spec:
          scaleTargetRef: {apiVersion: apps/v1, kind: StatefulSet, name: api}
          maxReplicas: 3
        """;

    [Theory]
    [InlineData("role", "reader")]
    [InlineData("clusterrole", "viewer")]
    [InlineData("rolebinding", "read-pods")]
    [InlineData("clusterrolebinding", "view-all")]
    [InlineData("pdb", "web")]
    [InlineData("storageclass", "local")]
    [InlineData("networkpolicy", "db-in")]
    [InlineData("networkpolicy", "mixed")]
    [InlineData("networkpolicy", "deny-all")]
    [InlineData("storageclass", "zoned")]
    [InlineData("pv", "disk")]
    [InlineData("pv", "share")]
    [InlineData("priorityclass", "high")]
    [InlineData("limitrange", "limits")]
    [InlineData("quota", "quota")]
    [InlineData("ingressclass", "nginx")]
    [InlineData("hpa", "web")]
    [InlineData("hpa", "api")]
    [InlineData("namespace", "default")] // its quotas and limit ranges listed
    public async Task Kinds_that_do_nothing_on_one_host_are_described_as_kubectl_describes_them(string kind, string name)
    {
        await using var d = new SupDaemon(Inert);
        await d.StartAsync();
        await Poll.Until(() => d.Kubectl("get", kind, name).GetAwaiter().GetResult().Code == 0, $"{kind} {name} stored", 30);

        var (kubectlCode, expected, kubectlErr) = await d.Kubectl("describe", kind, name);
        Assert.True(kubectlCode == 0, kubectlErr);
        var (supCode, actual, _) = await d.Sup("describe", kind, name);
        Assert.Equal(0, supCode);
        Assert.Equal(Comparable(expected), Comparable(actual));
    }

    /// <summary>Up to the events, and up to a pod template (whose image sup names "&lt;none&gt; (host process)" where
    /// kubectl leaves it empty).</summary>
    private static string Comparable(string text)
    {
        foreach (var end in new[] { "Pod Template:", "Events:" })
            if (text.IndexOf(end, StringComparison.Ordinal) is >= 0 and var at) return text[..at];
        return text;
    }
}
