using MiniKube.Sup.Spec;

namespace MiniKube.Sup.Tests.Spec;

public sealed class LabelSelectorParserTests
{
    private static readonly Dictionary<string, string> Web = new() { ["app"] = "web", ["tier"] = "", ["version"] = "3", ["example.com/zone"] = "a" };

    [Theory]
    [InlineData("", true)]
    [InlineData("app", true)]
    [InlineData("!app", false)]
    [InlineData("!missing", true)]
    [InlineData("app=web", true)]
    [InlineData("app==web", true)]
    [InlineData("app = web", true)]
    [InlineData("app!=web", false)]
    [InlineData("missing!=web", true)]
    [InlineData("app=db", false)]
    [InlineData("tier=", true)]
    [InlineData("missing=", false)]
    [InlineData("app in (db, web)", true)]
    [InlineData("app in (db)", false)]
    [InlineData("app notin (db)", true)]
    [InlineData("missing notin (db)", true)]
    [InlineData("tier in ()", true)]
    [InlineData("version>2", true)]
    [InlineData("version<3", false)]
    [InlineData("app>2", false)]
    [InlineData("example.com/zone=a,app=web", true)]
    [InlineData("example.com/zone=a,app=db", false)]
    public void Well_formed_selectors_match_as_the_API_server_matches(string selector, bool matches)
    {
        Assert.Equal(matches, LabelSelector.Parse(selector).Matches(Web));
    }

    [Theory]
    [InlineData("a in (((", "found '('")]
    [InlineData("app=we b", "found 'b'")]
    [InlineData("-bad-key=x", "invalid label key")]
    [InlineData("app in (web", "the end of the selector")]
    [InlineData("app notin web", "'(' after notin")]
    [InlineData("=web", "a label key")]
    [InlineData("app=web,", "a label key")]
    [InlineData("app=web!", "found '!'")]
    [InlineData("app=" + "x234567890123456789012345678901234567890123456789012345678901234", "63 characters")]
    [InlineData("app=a/b", "invalid label value")]
    [InlineData("version>x", "an integer")]
    [InlineData("!", "a label key")]
    public void Malformed_selectors_say_what_was_found_where(string selector, string problem)
    {
        var e = Assert.Throws<FormatException>(() => LabelSelector.Parse(selector));
        Assert.Contains(problem, e.Message);
    }
}
