using System.Text;
using System.Text.Json;
using Analytics.Frontend.Ingest;
using Xunit;

namespace Analytics.Tests.Ingest;

public sealed class JsonParsingTests
{
    private static readonly string[] Valid =
    [
        "[{\"key\":\"purchase\",\"count\":1,\"sum\":9.99,\"segmentation\":{\"plan\":\"pro\",\"country\":\"DE\"}}]",
        "{\"_os\":\"Android\",\"_os_version\":\"14\",\"_resolution\":\"1080x2400\",\"_density\":2.75}",
        "[]",
        "{}",
        " [1, -2.5e3, true, false, null, \"x\\\"y\"] \n",
        "\"text\"",
        "-0",
        "1e5",
        "true",
        "false",
        "null",
        "[{\"key\":\"a\",\"dur\":1E+2}]",
        "\t{\"a\":[{\"b\":{\"c\":\"\\u00e9\"}}]}\r\n",
    ];

    [Theory]
    [InlineData("[{\"key\":\"purchase\",\"count\":1,\"sum\":")]
    [InlineData("[{\"key\":\"a\",")]
    [InlineData("[{")]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("undefined")]
    [InlineData("{\"a\":1} // comment")]
    [InlineData("'a'")]
    [InlineData("[1]x")]
    public void Text_that_cannot_end_or_begin_a_value_is_refused_before_parsing(string text) =>
        AssertRefused(text, byTheGuard: true);

    [Theory]
    [InlineData("{\"a\":1,}")]
    [InlineData("[1,2,]")]
    [InlineData("[{\"key\":\"a\"}")]
    [InlineData("{\"a\":1}}")]
    [InlineData("[01]")]
    public void Broken_json_that_ends_like_a_value_is_left_to_the_parser_which_refuses_it(string text) =>
        AssertRefused(text, byTheGuard: false);

    [Fact]
    public void Valid_json_is_never_refused_by_the_guard_and_parses_as_before()
    {
        foreach (var text in Valid)
        {
            Assert.False(JsonParsing.CannotBeJson(Encoding.UTF8.GetBytes(text)), text);
            Assert.True(JsonParsing.TryParse(text, 8, out var value), text);
            Assert.True(JsonParsing.TryParsePooled(text, 8, out var pooled, out var scope), text);
            using (scope)
            {
                Assert.Equal(value.GetRawText(), pooled.GetRawText());
            }
        }
    }

    [Fact]
    public void Every_prefix_and_suffix_of_valid_json_gets_the_parser_own_verdict()
    {
        // The guard may only refuse what the parser refuses too: checked on every truncation of
        // each valid text, from either end (URLs cut at a length limit, a lost first byte).
        foreach (var text in Valid)
        {
            for (var cut = 0; cut <= text.Length; cut++)
            {
                foreach (var part in new[] { text[..cut], text[cut..] })
                {
                    var parserAccepts = ParserAccepts(part);
                    if (JsonParsing.CannotBeJson(Encoding.UTF8.GetBytes(part)))
                    {
                        Assert.False(parserAccepts, part);
                    }

                    Assert.Equal(parserAccepts, JsonParsing.TryParse(part, 8, out _));
                    Assert.Equal(parserAccepts, JsonParsing.TryParsePooled(part, 8, out _, out var scope));
                    scope.Dispose();
                }
            }
        }
    }

    private static void AssertRefused(string text, bool byTheGuard)
    {
        Assert.Equal(byTheGuard, JsonParsing.CannotBeJson(Encoding.UTF8.GetBytes(text)));
        Assert.False(ParserAccepts(text));
        Assert.False(JsonParsing.TryParse(text, 8, out _));
        Assert.False(JsonParsing.TryParsePooled(text, 8, out _, out _));
    }

    // The parser alone, without the guard, with the same options as JsonParsing.
    private static bool ParserAccepts(string text)
    {
        try
        {
            using var document = JsonDocument.Parse(Encoding.UTF8.GetBytes(text), new JsonDocumentOptions { MaxDepth = 8 });
            return true;
        }
        catch (JsonException)
        {
            return false;
        }
    }
}
