using MiniKube.Sup.Printing;

namespace MiniKube.Sup.Tests.Printing;

/// <summary>Names and values reach the terminal with their control characters escaped as Go's %q escapes them
/// (the API server's field errors quote values with %q): readable, and unable to recolour, retitle, clear or
/// rewrite what the user sees.</summary>
public class ControlCharactersTests
{
    [Theory]
    [InlineData("web", "web")]
    [InlineData("web\e[31m\a\0", @"web\x1b[31m\a\x00")]
    [InlineData("a\tb\nc\rd\ve\ff\bg", @"a\tb\nc\rd\ve\ff\bg")]
    [InlineData("\x7f\u0085\u009b", @"\x7f\u0085\u009b")]
    [InlineData("abc\u202edcba", @"abc\u202edcba")] // right-to-left override: would reorder what follows on screen
    [InlineData("\u2028\u2029", @"\u2028\u2029")]
    [InlineData(@"C:\path\x1b", @"C:\path\x1b")] // backslashes stay: nothing to hide, and escaping is idempotent
    [InlineData("café ☕ 日本", "café ☕ 日本")]
    public void Control_characters_are_shown_as_escapes_and_everything_else_as_it_is(string text, string shown)
    {
        Assert.Equal(shown, ControlCharacters.Escape(text));
        Assert.Equal(shown, ControlCharacters.Escape(ControlCharacters.Escape(text)));
    }

    [Fact]
    public void A_lone_surrogate_is_escaped_and_a_pair_kept()
    {
        // Not theory data: a lone surrogate does not survive xunit's serialization of test cases.
        Assert.Equal(@"\ud800x😀", ControlCharacters.Escape("\ud800x\ud83d\ude00"));
    }

    [Fact]
    public void Multi_line_messages_keep_their_line_breaks_and_lose_everything_else()
    {
        Assert.Equal("first \\x1b[2J\nsecond\\r", ControlCharacters.EscapeKeepingLines("first \e[2J\nsecond\r"));
    }
}
