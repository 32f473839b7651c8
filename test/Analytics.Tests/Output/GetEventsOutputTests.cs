using Xunit;
using Analytics.Frontend.Output;

namespace Analytics.Tests.Output;

public sealed class GetEventsOutputTests
{
    [Fact]
    public void App_without_events_gets_only_the_limits()
    {
        var result = GetEventsOutput.Build("app", null, null);

        Assert.Equal("""{"limits":{"event_limit":500,"event_segmentation_limit":100,"event_segmentation_value_limit":1000}}""", OutputJson.Serialize(result, escape: true));
    }

    [Fact]
    public void Reserved_keys_are_hidden_and_segments_appear_only_when_recorded()
    {
        var segments = new Dictionary<string, IReadOnlyList<string>> { ["test1"] = ["country", "version"], ["[CLY]_view"] = ["name"], ["test"] = [] };

        var result = GetEventsOutput.Build("app", ["test", "[CLY]_view", "test1"], segments);

        Assert.Equal(
            """{"_id":"app","list":["test","test1"],"segments":{"test1":["country","version"]},"limits":{"event_limit":500,"event_segmentation_limit":100,"event_segmentation_value_limit":1000}}""",
            Json.Text(result));
    }

    [Fact]
    public void Events_without_segments_have_no_segments_key()
    {
        var result = GetEventsOutput.Build("app", ["test"], new Dictionary<string, IReadOnlyList<string>>());

        Assert.Null(result["segments"]);
    }

    [Fact]
    public void Management_fields_come_before_the_limits()
    {
        var result = GetEventsOutput.Build("app", ["test"], null, Json.Object("""{"order":["test"],"map":{"test":{"name":"My name"}}}"""));

        Assert.Equal(["_id", "list", "order", "map", "limits"], result.Select(p => p.Key));
    }
}
