using k8s.Models;
using MiniKube.Sup.Api;
using MiniKube.Sup.Spec;

namespace MiniKube.Sup.Tests.Api;

/// <summary>The columns and cells of the kinds added for issue 21, as kube-apiserver v1.32's printers give them.</summary>
public class KindTablesTests
{
    private static readonly DateTime Created = new(2025, 1, 1, 0, 0, 0, DateTimeKind.Utc);
    private static readonly DateTime Now = Created.AddMinutes(5);

    private static V1ObjectMeta Meta(string name) => new() { Name = name, CreationTimestamp = Created };

    private static IEnumerable<string> Names(KindInfo kind) => Tables.Columns(kind).Select(c => c.Name);

    private static IEnumerable<string> Row(KindInfo kind, k8s.IKubernetesObject<V1ObjectMeta> obj) => Tables.Cells(kind, obj, Now).Select(Tables.Cell);

    [Fact]
    public void A_claim_shows_capacity_and_access_modes_once_it_names_its_volume()
    {
        var claim = new V1PersistentVolumeClaim
        {
            Metadata = Meta("data"),
            Spec = new V1PersistentVolumeClaimSpec
            {
                StorageClassName = "local",
                AccessModes = ["ReadWriteOnce"],
                Resources = new V1VolumeResourceRequirements { Requests = new Dictionary<string, ResourceQuantity> { ["storage"] = new("1Gi") } },
            },
            Status = new V1PersistentVolumeClaimStatus { Phase = "Pending" },
        };
        Assert.Equal(["Name", "Status", "Volume", "Capacity", "Access Modes", "StorageClass", "VolumeAttributesClass", "Age", "VolumeMode"], Names(Kinds.PersistentVolumeClaim));
        Assert.Equal(1, Tables.Columns(Kinds.PersistentVolumeClaim)[^1].Priority);
        Assert.Equal(["data", "Pending", "", "", "", "local", "<unset>", "5m", "<unset>"], Row(Kinds.PersistentVolumeClaim, claim));

        claim.Spec.VolumeName = "pvc-1";
        claim.Spec.VolumeMode = "Filesystem";
        claim.Status = new V1PersistentVolumeClaimStatus
        {
            Phase = "Bound",
            AccessModes = ["ReadWriteMany", "ReadWriteOnce", "ReadWriteOnce"],
            Capacity = new Dictionary<string, ResourceQuantity> { ["storage"] = new("1Gi") },
        };
        claim.Metadata.Annotations = new Dictionary<string, string> { ["volume.beta.kubernetes.io/storage-class"] = "beta" };
        Assert.Equal(["data", "Bound", "pvc-1", "1Gi", "RWO,RWX", "beta", "<unset>", "5m", "Filesystem"], Row(Kinds.PersistentVolumeClaim, claim));

        claim.Metadata.DeletionTimestamp = Now;
        Assert.Equal("Terminating", Row(Kinds.PersistentVolumeClaim, claim).ElementAt(1));
    }

    [Fact]
    public void A_volume_shows_its_claim_as_namespace_slash_name()
    {
        var pv = new V1PersistentVolume
        {
            Metadata = Meta("pv-1"),
            Spec = new V1PersistentVolumeSpec
            {
                Capacity = new Dictionary<string, ResourceQuantity> { ["storage"] = new("5Gi") },
                AccessModes = ["ReadOnlyMany"],
                PersistentVolumeReclaimPolicy = "Retain",
                ClaimRef = new V1ObjectReference { NamespaceProperty = "default", Name = "data" },
                StorageClassName = "manual",
            },
            Status = new V1PersistentVolumeStatus { Phase = "Bound" },
        };
        Assert.Equal(["Name", "Capacity", "Access Modes", "Reclaim Policy", "Status", "Claim", "StorageClass", "VolumeAttributesClass", "Reason", "Age", "VolumeMode"], Names(Kinds.PersistentVolume));
        Assert.Equal(["pv-1", "5Gi", "ROX", "Retain", "Bound", "default/data", "manual", "<unset>", "", "5m", "<unset>"], Row(Kinds.PersistentVolume, pv));
    }

    [Fact]
    public void A_service_account_counts_its_secrets()
    {
        var sa = new V1ServiceAccount { Metadata = Meta("web"), Secrets = [new V1ObjectReference { Name = "token" }] };
        Assert.Equal(["Name", "Secrets", "Age"], Names(Kinds.ServiceAccount));
        Assert.Equal(["web", "1", "5m"], Row(Kinds.ServiceAccount, sa));
        Assert.Equal(["web", "0", "5m"], Row(Kinds.ServiceAccount, new V1ServiceAccount { Metadata = Meta("web") }));
    }

    [Fact]
    public void A_controller_revision_names_its_controller_with_its_group()
    {
        var revision = new V1ControllerRevision
        {
            Metadata = Meta("web-7d9f"),
            Revision = 2,
        };
        Assert.Equal(["Name", "Controller", "Revision", "Age"], Names(Kinds.ControllerRevision));
        Assert.Equal(["web-7d9f", "<none>", "2", "5m"], Row(Kinds.ControllerRevision, revision));
        revision.Metadata.OwnerReferences = [new V1OwnerReference { ApiVersion = "apps/v1", Kind = "StatefulSet", Name = "web", Controller = true, Uid = "u" }];
        Assert.Equal("statefulset.apps/web", Row(Kinds.ControllerRevision, revision).ElementAt(1));
        revision.Metadata.OwnerReferences = [new V1OwnerReference { ApiVersion = "v1", Kind = "Pod", Name = "p", Controller = true, Uid = "u" }];
        Assert.Equal("pod/p", Row(Kinds.ControllerRevision, revision).ElementAt(1));
    }

    [Fact]
    public void A_budget_shows_N_A_for_the_bound_it_does_not_set()
    {
        var pdb = new V1PodDisruptionBudget { Metadata = Meta("web-pdb"), Spec = new V1PodDisruptionBudgetSpec { MinAvailable = "50%" } };
        Assert.Equal(["Name", "Min Available", "Max Unavailable", "Allowed Disruptions", "Age"], Names(Kinds.PodDisruptionBudget));
        Assert.Equal(["web-pdb", "50%", "N/A", "0", "5m"], Row(Kinds.PodDisruptionBudget, pdb));
        pdb.Spec = new V1PodDisruptionBudgetSpec { MaxUnavailable = 1 };
        pdb.Status = new V1PodDisruptionBudgetStatus { DisruptionsAllowed = 1 };
        Assert.Equal(["web-pdb", "N/A", "1", "1", "5m"], Row(Kinds.PodDisruptionBudget, pdb));
    }

    [Fact]
    public void A_network_policy_shows_its_pod_selector_sorted_by_key()
    {
        var policy = new V1NetworkPolicy { Metadata = Meta("deny-all"), Spec = new V1NetworkPolicySpec { PodSelector = new V1LabelSelector() } };
        Assert.Equal(["Name", "Pod-Selector", "Age"], Names(Kinds.NetworkPolicy));
        Assert.Equal(["deny-all", "<none>", "5m"], Row(Kinds.NetworkPolicy, policy));
        policy.Spec.PodSelector = new V1LabelSelector
        {
            MatchLabels = new Dictionary<string, string> { ["tier"] = "web" },
            MatchExpressions = [new V1LabelSelectorRequirement { Key = "app", OperatorProperty = "In", Values = ["b", "a"] }],
        };
        Assert.Equal("app in (a,b),tier=web", Row(Kinds.NetworkPolicy, policy).ElementAt(1));
    }

    [Fact]
    public void An_ingress_shows_class_hosts_address_and_ports()
    {
        var ingress = new V1Ingress
        {
            Metadata = Meta("web"),
            Spec = new V1IngressSpec { Rules = [new V1IngressRule()] },
        };
        Assert.Equal(["Name", "Class", "Hosts", "Address", "Ports", "Age"], Names(Kinds.Ingress));
        Assert.Equal(["web", "<none>", "*", "", "80", "5m"], Row(Kinds.Ingress, ingress));

        ingress.Spec = new V1IngressSpec
        {
            IngressClassName = "nginx",
            Rules = [new V1IngressRule { Host = "a" }, new V1IngressRule { Host = "b" }, new V1IngressRule { Host = "c" }, new V1IngressRule { Host = "d" }, new V1IngressRule { Host = "e" }],
            Tls = [new V1IngressTLS { Hosts = ["a"] }],
        };
        ingress.Status = new V1IngressStatus { LoadBalancer = new V1IngressLoadBalancerStatus { Ingress = [new V1IngressLoadBalancerIngress { Ip = "10.0.0.2" }, new V1IngressLoadBalancerIngress { Hostname = "lb.example" }] } };
        Assert.Equal(["web", "nginx", "a,b,c + 2 more...", "10.0.0.2,lb.example", "80, 443", "5m"], Row(Kinds.Ingress, ingress));
    }

    [Fact]
    public void An_ingress_class_shows_its_controller_and_parameters()
    {
        var cls = new V1IngressClass
        {
            Metadata = Meta("nginx"),
            Spec = new V1IngressClassSpec { Controller = "k8s.io/ingress-nginx", Parameters = new V1IngressClassParametersReference { ApiGroup = "k8s.example.com", Kind = "IngressParameters", Name = "p" } },
        };
        Assert.Equal(["Name", "Controller", "Parameters", "Age"], Names(Kinds.IngressClass));
        Assert.Equal(["nginx", "k8s.io/ingress-nginx", "IngressParameters.k8s.example.com/p", "5m"], Row(Kinds.IngressClass, cls));
    }

    [Fact]
    public void Bindings_show_their_role_and_in_wide_their_subjects()
    {
        Rbacv1Subject[] subjects =
        [
            new() { Kind = "User", Name = "jane" },
            new() { Kind = "Group", Name = "devs" },
            new() { Kind = "ServiceAccount", Name = "web", NamespaceProperty = "default" },
            new() { Kind = "User", Name = "joe" },
        ];
        var binding = new V1RoleBinding { Metadata = Meta("read-pods"), RoleRef = new V1RoleRef { Kind = "Role", Name = "pod-reader", ApiGroup = "rbac.authorization.k8s.io" }, Subjects = subjects };
        Assert.Equal(["Name", "Role", "Age", "Users", "Groups", "ServiceAccounts"], Names(Kinds.RoleBinding));
        Assert.Equal([0, 0, 0, 1, 1, 1], Tables.Columns(Kinds.RoleBinding).Select(c => c.Priority));
        Assert.Equal(["read-pods", "Role/pod-reader", "5m", "jane, joe", "devs", "default/web"], Row(Kinds.RoleBinding, binding));

        var cluster = new V1ClusterRoleBinding { Metadata = Meta("admins"), RoleRef = new V1RoleRef { Kind = "ClusterRole", Name = "admin", ApiGroup = "rbac.authorization.k8s.io" } };
        Assert.Equal(["Name", "Role", "Age", "Users", "Groups", "ServiceAccounts"], Names(Kinds.ClusterRoleBinding));
        Assert.Equal(["admins", "ClusterRole/admin", "5m", "", "", ""], Row(Kinds.ClusterRoleBinding, cluster));
    }

    [Fact]
    public void Roles_and_limit_ranges_have_the_api_servers_default_table_NAME_and_CREATED_AT()
    {
        foreach (var kind in new[] { Kinds.Role, Kinds.ClusterRole, Kinds.LimitRange })
        {
            Assert.Equal(["Name", "Created At"], Names(kind));
            Assert.Equal("date", Tables.Columns(kind)[1].Type);
        }
        Assert.Equal(["pod-reader", "2025-01-01T00:00:00Z"], Row(Kinds.Role, new V1Role { Metadata = Meta("pod-reader") }));
        Assert.Equal(["limits", "2025-01-01T00:00:00Z"], Row(Kinds.LimitRange, new V1LimitRange { Metadata = Meta("limits") }));
    }

    [Fact]
    public void A_storage_class_marks_the_default_and_fills_kubectls_defaults()
    {
        var sc = new V1StorageClass { Metadata = Meta("fast"), Provisioner = "kubernetes.io/no-provisioner" };
        Assert.Equal(["Name", "Provisioner", "ReclaimPolicy", "VolumeBindingMode", "AllowVolumeExpansion", "Age"], Names(Kinds.StorageClass));
        Assert.Equal(["fast", "kubernetes.io/no-provisioner", "Delete", "Immediate", "false", "5m"], Row(Kinds.StorageClass, sc));
        sc.Metadata.Annotations = new Dictionary<string, string> { ["storageclass.kubernetes.io/is-default-class"] = "true" };
        sc.ReclaimPolicy = "Retain";
        sc.VolumeBindingMode = "WaitForFirstConsumer";
        sc.AllowVolumeExpansion = true;
        Assert.Equal(["fast (default)", "kubernetes.io/no-provisioner", "Retain", "WaitForFirstConsumer", "true", "5m"], Row(Kinds.StorageClass, sc));
    }

    [Fact]
    public void A_priority_class_shows_value_default_and_preemption_policy()
    {
        var pc = new V1PriorityClass { Metadata = Meta("high"), Value = 1000, PreemptionPolicy = "Never" };
        Assert.Equal(["Name", "Value", "Global-Default", "Age", "PreemptionPolicy"], Names(Kinds.PriorityClass));
        Assert.Equal(["high", "1000", "false", "5m", "Never"], Row(Kinds.PriorityClass, pc));
    }

    [Fact]
    public void A_resource_quota_lists_used_over_hard_requests_and_limits_by_name()
    {
        var quota = new V1ResourceQuota { Metadata = Meta("compute") };
        Assert.Equal(["Name", "Request", "Limit", "Age"], Names(Kinds.ResourceQuota));
        Assert.Equal(["compute", "", "", "5m"], Row(Kinds.ResourceQuota, quota));
        quota.Status = new V1ResourceQuotaStatus
        {
            Hard = new Dictionary<string, ResourceQuantity> { ["requests.memory"] = new("1Gi"), ["limits.cpu"] = new("2"), ["pods"] = new("10"), ["requests.cpu"] = new("1") },
            Used = new Dictionary<string, ResourceQuantity> { ["requests.cpu"] = new("500m"), ["pods"] = new("3") },
        };
        Assert.Equal(["compute", "pods: 3/10, requests.cpu: 500m/1, requests.memory: 0/1Gi", "limits.cpu: 0/2", "5m"], Row(Kinds.ResourceQuota, quota));
    }

    [Fact]
    public void An_autoscaler_shows_its_target_metrics_and_bounds()
    {
        var hpa = new V2HorizontalPodAutoscaler
        {
            Metadata = Meta("web"),
            Spec = new V2HorizontalPodAutoscalerSpec
            {
                ScaleTargetRef = new V2CrossVersionObjectReference { Kind = "Deployment", Name = "web", ApiVersion = "apps/v1" },
                MaxReplicas = 5,
                Metrics =
                [
                    new V2MetricSpec { Type = "Resource", Resource = new V2ResourceMetricSource { Name = "cpu", Target = new V2MetricTarget { Type = "Utilization", AverageUtilization = 80 } } },
                    new V2MetricSpec { Type = "Resource", Resource = new V2ResourceMetricSource { Name = "memory", Target = new V2MetricTarget { Type = "AverageValue", AverageValue = new ResourceQuantity("100Mi") } } },
                    new V2MetricSpec { Type = "Pods", Pods = new V2PodsMetricSource { Metric = new V2MetricIdentifier { Name = "qps" }, Target = new V2MetricTarget { Type = "AverageValue", AverageValue = new ResourceQuantity("10") } } },
                ],
            },
        };
        Assert.Equal(["Name", "Reference", "Targets", "MinPods", "MaxPods", "Replicas", "Age"], Names(Kinds.HorizontalPodAutoscaler));
        Assert.Equal(["web", "Deployment/web", "cpu: <unknown>/80%, memory: <unknown>/100Mi + 1 more...", "<unset>", "5", "0", "5m"], Row(Kinds.HorizontalPodAutoscaler, hpa));
        hpa.Spec.Metrics = [];
        hpa.Spec.MinReplicas = 2;
        Assert.Equal(["web", "Deployment/web", "<none>", "2", "5", "0", "5m"], Row(Kinds.HorizontalPodAutoscaler, hpa));
    }
}
