using k8s.Models;

namespace MiniKube.Sup.Api.KindTables;

/// <summary>kubectl's controllerrevision columns (printControllerRevision: CONTROLLER = group-qualified kind/name of
/// its controller owner, lower-case, e.g. statefulset.apps/web).</summary>
public static class ControllerRevisionTable
{
    public static readonly KindTable Table = new(
    [
        Tables.Name,
        new("Controller", "string", "", 0, "Controller of the object"),
        new("Revision", "string", "", 0, "Revision indicates the revision of the state represented by Data."),
        Tables.Age,
    ], (obj, now) =>
    {
        var revision = (V1ControllerRevision)obj;
        var owner = revision.Metadata.OwnerReferences?.FirstOrDefault(o => o.Controller == true);
        var controller = "<none>";
        if (owner is not null)
        {
            var slash = owner.ApiVersion.IndexOf('/', StringComparison.Ordinal);
            var group = slash < 0 ? "" : owner.ApiVersion[..slash];
            controller = owner.Kind.Length == 0 && group.Length == 0 ? owner.Name
                : (group.Length == 0 ? owner.Kind : $"{owner.Kind}.{group}").ToLowerInvariant() + "/" + owner.Name;
        }
        return [revision.Metadata.Name, controller, revision.Revision is { } number ? number : 0L, Tables.AgeOf(revision, now)];
    });
}
