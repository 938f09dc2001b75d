using System.Text.Json;
using MiniKube.Sup.Daemon.Commands;

namespace MiniKube.Sup.Tests.Daemon.Commands;

/// <summary>kubectl's generic describer (pkg/describe genericDescriber, printUnstructuredContent, smartLabelFor): what
/// kubectl v1.32 prints for the same object.</summary>
public sealed class GenericDescriptionTests
{
    [Theory]
    [InlineData("kind", "Kind")]
    [InlineData("apiVersion", "API Version")]
    [InlineData("uid", "UID")]
    [InlineData("podIP", "Pod IP")]
    [InlineData("HTTPServer", "HTTP Server")]
    [InlineData("terminationGracePeriodSeconds", "Termination Grace Period Seconds")]
    [InlineData("controller-revision-hash", "Controller - Revision - Hash")] // a dash is a part of its own
    [InlineData("$patch", "$patch")] // anything but letters and dashes: as it is
    [InlineData("app.kubernetes.io/name", "app.kubernetes.io/name")]
    public void A_field_is_labelled_as_smartLabelFor_labels_it(string field, string label) =>
        Assert.Equal(label, GenericDescription.Label(field));

    [Theory]
    [InlineData(0.5, "0.5")]
    [InlineData(0.0025, "0.0025")]
    [InlineData(123456.5, "123456.5")]
    [InlineData(1e6, "1e+06")]
    [InlineData(1234567.5, "1.2345675e+06")]
    [InlineData(0.00001, "1e-05")]
    [InlineData(-2.5e-7, "-2.5e-07")]
    [InlineData(1e21, "1e+21")]
    public void A_number_that_is_not_an_integer_is_printed_as_Gos_v_prints_a_float64(double value, string printed) =>
        Assert.Equal(printed, GenericDescription.GoFloat(value));

    [Fact]
    public void Fields_are_sorted_nested_maps_and_lists_indented_and_values_printed_as_Gos_v()
    {
        using var doc = JsonDocument.Parse("""
            {"kind": "Event", "apiVersion": "v1",
             "metadata": {"name": "e1", "namespace": "default", "uid": "u", "labels": {"b": "2", "a": "1"}, "managedFields": [{"manager": "x"}]},
             "count": 3, "eventTime": null, "series": {"ok": true, "ratio": 0.5},
             "ports": [{"port": 80}, {"port": 443}], "words": ["x", "y"], "empty": {}}
            """);
        var text = GenericDescription.Describe(doc.RootElement).Write(0, "Events:\t<none>\n").ToString();
        Assert.Equal("""
            Name:         e1
            Namespace:    default
            Labels:       a=1
                          b=2
            Annotations:  <none>
            API Version:  v1
            Count:        3
            Empty:
            Event Time:  <nil>
            Kind:        Event
            Metadata:
              UID:  u
            Ports:
              Port:  80
              Port:  443
            Series:
              Ok:     true
              Ratio:  0.5
            Words:
              x
              y
            Events:  <none>

            """.ReplaceLineEndings("\n"), text);
    }
}
