namespace Analytics.Tests.Deploy;

public sealed class MiniYamlTests
{
    [Fact]
    public void Reads_nested_mappings_sequences_and_scalars()
    {
        const string Text = """
            # comment
            apiVersion: v1
            kind: List
            items:
              - name: a   # trailing comment
                ports:
                  - 80
                  - "8080"
              - name: 'b c'
                tags: [x, "y z"]
                empty:
            """;

        var doc = Assert.Single(MiniYaml.ParseDocuments(Text));

        var map = Assert.IsType<Dictionary<string, object?>>(doc);
        Assert.Equal("List", map["kind"]);
        var items = Assert.IsType<List<object?>>(map["items"]);
        var first = Assert.IsType<Dictionary<string, object?>>(items[0]);
        Assert.Equal("a", first["name"]);
        Assert.Equal(["80", "8080"], Assert.IsType<List<object?>>(first["ports"]));
        var second = Assert.IsType<Dictionary<string, object?>>(items[1]);
        Assert.Equal("b c", second["name"]);
        Assert.Equal(["x", "y z"], Assert.IsType<List<object?>>(second["tags"]));
        Assert.Null(second["empty"]);
    }

    [Fact]
    public void Keeps_literal_block_scalars_verbatim()
    {
        const string Text = "script: |\n  echo a: b\n    # not a comment\n  done\nnext: 1\n";

        var map = Assert.IsType<Dictionary<string, object?>>(Assert.Single(MiniYaml.ParseDocuments(Text)));

        Assert.Equal("echo a: b\n  # not a comment\ndone\n", map["script"]);
        Assert.Equal("1", map["next"]);
    }

    [Fact]
    public void Splits_documents_at_separators()
    {
        var docs = MiniYaml.ParseDocuments("a: 1\n---\n# only a comment\n---\nb: 2\n");

        Assert.Equal(2, docs.Count);
    }

    [Theory]
    [InlineData("a:\n\tb: 1\n", "tab")]
    [InlineData("a:\n   b: 1\n", "indentation")]
    [InlineData("a: 1\na: 2\n", "duplicate key")]
    [InlineData("a: echo b: c\n", "plain scalar")]
    [InlineData("a: \"open\n", "unclosed")]
    [InlineData("a: 1\n  b: 2\n", "indentation")]
    [InlineData("a: *alias\n", "unsupported")]
    [InlineData("- a\nb: 1\n", "unexpected content")]
    [InlineData("a: [1, 2\n", "unclosed flow")]
    public void Rejects_ill_formed_yaml(string text, string reason)
    {
        var e = Assert.Throws<FormatException>(() => MiniYaml.ParseDocuments(text));

        Assert.Contains(reason, e.Message, StringComparison.Ordinal);
    }
}
