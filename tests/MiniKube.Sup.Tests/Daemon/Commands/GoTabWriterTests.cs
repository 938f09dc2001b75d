using MiniKube.Sup.Daemon.Commands;

namespace MiniKube.Sup.Tests.Daemon.Commands;

/// <summary>Go's text/tabwriter as kubectl describe uses it (padding 2): what Go prints for the same input.</summary>
public sealed class GoTabWriterTests
{
    [Theory]
    // One block: each label padded to the widest plus two; the text after the last tab is not aligned.
    [InlineData("Name:\tweb\nNamespace:\tdefault\n", "Name:       web\nNamespace:  default\n")]
    // A line without a tab ends the block: the lines after it align among themselves.
    [InlineData("Name:\tweb\nSource:\n    Type:\tHostPath\n    Path:\t/srv\n", "Name:  web\nSource:\n    Type:  HostPath\n    Path:  /srv\n")]
    // A continuation line ("\tvalue") is in the block with an empty first cell.
    [InlineData("Labels:\ta=1\n\tb=2\nAnnotations:\t<none>\n", "Labels:       a=1\n              b=2\nAnnotations:  <none>\n")]
    // Column 1 is aligned only over the lines that have a cell there (a host line "  x\t" breaks it).
    [InlineData("  Host\tPath\tBackends\n  h.example\t\n    \t/ \tdb:80\n    \t/api \tapi:80\n",
        "  Host       Path  Backends\n  h.example  \n             /      db:80\n             /api   api:80\n")]
    // No line break at the end: the last line is written without one.
    [InlineData("a\tb", "a  b")]
    public void Cells_are_aligned_as_Gos_tabwriter_aligns_them(string text, string expected) =>
        Assert.Equal(expected, GoTabWriter.Format(text));
}
