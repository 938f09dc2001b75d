using System.Text.Json;
using k8s;
using k8s.Models;
using MiniKube.Sup.Spec;

namespace MiniKube.Sup.Api;

/// <summary>Writes a meta.k8s.io/v1 Table: column definitions, then one row per object with its cells and the
/// object's metadata as PartialObjectMetadata (kubectl's default includeObject=Metadata), or with
/// <c>includeObject=None</c> a null object: a client that prints only the cells (sup get in one namespace) spares the
/// daemon a metadata serialization per row, most of a large list's cost.</summary>
public static class TableWriter
{
    public static void Write(Utf8JsonWriter w, KindInfo kind, IEnumerable<IKubernetesObject<V1ObjectMeta>> objects, long resourceVersion, DateTime now, bool includeColumns = true, bool includeObject = true)
    {
        w.WriteStartObject();
        w.WriteString("kind", "Table");
        w.WriteString("apiVersion", "meta.k8s.io/v1");
        w.WriteStartObject("metadata");
        w.WriteString("resourceVersion", resourceVersion.ToString(System.Globalization.CultureInfo.InvariantCulture));
        w.WriteEndObject();
        w.WriteStartArray("columnDefinitions");
        if (includeColumns)
        {
            foreach (var c in Tables.Columns(kind))
            {
                w.WriteStartObject();
                w.WriteString("name", c.Name);
                w.WriteString("type", c.Type);
                w.WriteString("format", c.Format);
                w.WriteString("description", c.Description);
                w.WriteNumber("priority", c.Priority);
                w.WriteEndObject();
            }
        }
        w.WriteEndArray();
        w.WriteStartArray("rows");
        foreach (var obj in objects)
        {
            w.WriteStartObject();
            w.WriteStartArray("cells");
            foreach (var cell in Tables.Cells(kind, obj, now))
            {
                if (cell is int i) w.WriteNumberValue(i);
                else if (cell is long l) w.WriteNumberValue(l);
                else if (cell is bool b) w.WriteBooleanValue(b);
                else w.WriteStringValue(Tables.Cell(cell));
            }
            w.WriteEndArray();
            if (!includeObject)
            {
                // As the API server writes a row without its object.
                w.WriteNull("object");
                w.WriteEndObject();
                continue;
            }
            w.WriteStartObject("object");
            w.WriteString("kind", "PartialObjectMetadata");
            w.WriteString("apiVersion", "meta.k8s.io/v1");
            w.WritePropertyName("metadata");
            w.WriteRawValue(KubernetesJson.Serialize(obj.Metadata), skipInputValidation: true);
            w.WriteEndObject();
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteEndObject();
    }
}
