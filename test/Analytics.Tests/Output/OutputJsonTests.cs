using Xunit;
using System.Text.Json.Nodes;
using Analytics.Frontend.Output;

namespace Analytics.Tests.Output;

public sealed class OutputJsonTests
{
    [Theory]
    [InlineData("a\"b", "a&quot;b")]
    [InlineData("it's", "it&#39;s")]
    [InlineData("<b>", "&lt;b&gt;")]
    [InlineData("At&t", "At&amp;t")]
    [InlineData("&amp;&quot;&#39;&lt;&gt;&#46;&#36;", "&amp;&quot;&#39;&lt;&gt;&#46;&#36;")]
    [InlineData("&#47;", "&amp;#47;")]
    [InlineData("plain", "plain")]
    public void Output_escaping_html_escapes_values_but_keeps_known_entities(string value, string expected) =>
        Assert.Equal(expected, HtmlEscape.Output(value));

    [Fact]
    public void Data_response_escapes_keys_and_values_including_meta_arrays()
    {
        var node = Json.Object("""{"a\"b":{"meta":{"carriers":["At&t","x'y"]}}}""");

        Assert.Equal("""{"a&quot;b":{"meta":{"carriers":["At&amp;t","x&#39;y"]}}}""", OutputJson.Serialize(node, escape: true));
    }

    [Fact]
    public void Noescape_writes_strings_as_they_are()
    {
        var node = new JsonObject { ["k<"] = "a\"b&c" };

        Assert.Equal("""{"k<":"a\"b&c"}""", OutputJson.Serialize(node, escape: false));
    }

    [Fact]
    public void Message_response_escapes_only_angle_brackets()
    {
        var body = OutputJson.SerializeMessage(OutputJson.Message("Missing parameter \"app_key\" or \"device_id\" <x>"));

        Assert.Equal("""{"result":"Missing parameter \"app_key\" or \"device_id\" &lt;x&gt;"}""", body);
    }

    [Fact]
    public void Decimals_print_without_trailing_zeros()
    {
        var node = new JsonObject { ["c"] = 3.0m, ["s"] = 2.970m, ["big"] = 12345678901234m, ["neg"] = -1.50m };

        Assert.Equal("""{"c":3,"s":2.97,"big":12345678901234,"neg":-1.5}""", OutputJson.Serialize(node, escape: true));
    }

    [Fact]
    public void Doubles_print_like_javascript()
    {
        var node = new JsonArray(66.7, 100.0, 1e21, 33.4);

        Assert.Equal("[66.7,100,1e+21,33.4]", OutputJson.Serialize(node, escape: true));
    }

    [Fact]
    public void Strings_are_escaped_like_json_stringify_without_escaping_non_ascii()
    {
        var node = new JsonArray("Türkiye ✓", "tab\there", "nul\u0001", "back\\slash", "\ud800");

        Assert.Equal("[\"Türkiye ✓\",\"tab\\there\",\"nul\\u0001\",\"back\\\\slash\",\"\\ud800\"]", OutputJson.Serialize(node, escape: false));
    }

    [Fact]
    public void A_string_holding_a_json_object_is_parsed_escaped_and_restringified()
    {
        var node = new JsonObject { ["v"] = """{"a":"<b>","n":1.0}""" };

        Assert.Equal("""{"v":"{\"a\":\"&lt;b&gt;\",\"n\":1}"}""", OutputJson.Serialize(node, escape: true));
    }

    [Fact]
    public void An_empty_object_is_exactly_two_braces()
    {
        Assert.Equal("{}", OutputJson.Serialize(new JsonObject(), escape: true));
    }

    [Fact]
    public async Task WriteAsync_writes_the_same_bytes_to_a_stream()
    {
        var node = new JsonObject { ["result"] = "Success" };
        using var stream = new MemoryStream();

        await OutputJson.WriteAsync(stream, node, escape: true);

        Assert.Equal("""{"result":"Success"}""", System.Text.Encoding.UTF8.GetString(stream.ToArray()));
    }
}
