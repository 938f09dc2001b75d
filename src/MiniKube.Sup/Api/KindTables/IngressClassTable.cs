using k8s.Models;

namespace MiniKube.Sup.Api.KindTables;

/// <summary>kubectl's ingressclass columns (printIngressClass: PARAMETERS as Kind.apiGroup/name).</summary>
public static class IngressClassTable
{
    public static readonly KindTable Table = new(
    [
        Tables.Name,
        new("Controller", "string", "", 0, "Controller that is responsible for handling this class"),
        new("Parameters", "string", "", 0, "A reference to a resource with additional parameters"),
        Tables.Age,
    ], (obj, now) =>
    {
        var cls = (V1IngressClass)obj;
        var parameters = cls.Spec?.Parameters is { } p
            ? p.Kind + (p.ApiGroup is { } group ? "." + group : "") + "/" + p.Name
            : "<none>";
        return [cls.Metadata.Name, cls.Spec?.Controller ?? "", parameters, Tables.AgeOf(cls, now)];
    });
}
