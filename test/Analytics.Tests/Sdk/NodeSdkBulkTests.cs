using System.Text.Json.Nodes;
using Analytics.Tests.Infrastructure;

namespace Analytics.Tests.Sdk;

/// <summary>
/// The Node SDK's <c>Bulk</c> API: several users, one with two sessions, with the SDK's synthetic
/// <c>session_duration</c> rows and events, all in <c>POST /i/bulk</c>; the numbers read back
/// through <c>/o</c> equal Countly's rules applied to the bulk's items in order.
/// </summary>
[Collection(nameof(SdkCollection))]
public sealed class NodeSdkBulkTests(ServerFixture fixture)
{
    private const string TimeZone = "America/New_York";

    [Fact]
    public async Task Users_sessions_and_events_of_one_bulk_read_back_with_Countlys_numbers()
    {
        using var api = fixture.Api();
        var (appId, appKey) = await api.CreateAppAsync("Node SDK bulk", TimeZone);
        var t0 = DateTimeOffset.UtcNow.ToUnixTimeSeconds() - 7200;
        var android12 = new JsonObject { ["_os"] = "Android", ["_os_version"] = "12", ["_app_version"] = "5.0" };
        var scenario = new JsonObject
        {
            ["users"] = new JsonArray(
                new JsonObject
                {
                    ["deviceId"] = "bulk-1",
                    ["sessions"] = new JsonArray(Session(android12, 90, t0), Session(android12.DeepClone().AsObject(), 20, t0 + 1800)),
                    ["events"] = new JsonArray(
                        Level(3, 1.5m, null, "w1", "hard", null),
                        Level(1, null, null, "w2", "easy", (t0 + 60) * 1000)),
                },
                new JsonObject
                {
                    ["deviceId"] = "bulk-2",
                    ["sessions"] = new JsonArray(Session(new JsonObject { ["_os"] = "iOS", ["_os_version"] = "16.1" }, 45, t0 + 300)),
                    ["events"] = new JsonArray(Level(2, null, 12m, "w1", "easy", null)),
                },
                new JsonObject
                {
                    ["deviceId"] = "bulk-3",
                    ["sessions"] = new JsonArray(Session(new JsonObject { ["_os"] = "Android", ["_os_version"] = "13" }, 0, t0 + 600)),
                }),
        };

        var run = await NodeScript.RunAsync("sdk-bulk.js", fixture.Server.BaseAddress, appKey, scenario);
        run.AssertFinished();

        var model = new CountlyModel(TimeZoneInfo.FindSystemTimeZoneById(TimeZone));
        var sent = run.Exchanges;
        Assert.NotEmpty(sent);
        foreach (var x in sent)
        {
            Assert.Equal("/i/bulk", x.Endpoint);
            Assert.Equal(200, x.Status);
            Assert.Equal("""{"result":"Success"}""", x.Response);
            Assert.Equal(appKey, x.Params["app_key"]);
            model.ApplyBulk(x.Params["requests"]);
        }

        // 2 + 1 + 1 begins; 90 s -> 60 + 30, 20 and 45 duration rows; one event row per user with events.
        Assert.Equal(10, model.Requests);
        var year = model.Sessions.First().Key;
        Assert.Equal(4m, model.Sessions[year]!["t"]!.GetValue<decimal>());
        Assert.Equal(3m, model.Sessions[year]!["n"]!.GetValue<decimal>());
        Assert.Equal(155m, model.Sessions[year]!["d"]!.GetValue<decimal>());

        await SdkReads.ExpectAsync(api, appId, "sessions", "", j => TimeObjects.Project(j, TimeObjects.SessionKeys), model.Sessions, run);
        await SdkReads.ExpectAsync(api, appId, "events", "&event=level", TimeObjects.WithoutMeta, model.Event("level"));
        await SdkReads.ExpectAsync(api, appId, "events", "&event=level&segmentation=world", TimeObjects.WithoutMeta, model.EventBySegment("level", "world"));
        await SdkReads.ExpectAsync(api, appId, "events", "&event=level&segmentation=difficulty", TimeObjects.WithoutMeta, model.EventBySegment("level", "difficulty"));

        var events = (await api.ReadAsync(appId, "get_events")).Json!;
        Assert.Equal(SdkReads.Sorted("level"), SdkReads.Sorted(events["list"]));
        Assert.Equal(SdkReads.Sorted("difficulty", "world"), SdkReads.Sorted(events["segments"]!["level"]));

        // bulk-1's second session is a returning user with an unchanged OS: counted, not new, not unique again.
        await SdkReads.ExpectAsync(api, appId, "device_details", "", j => Pick(SdkReads.YearValues(j, year), "Android", "iOS"), JsonNode.Parse("""
            {"Android":{"t":3,"n":2,"u":2},"iOS":{"t":1,"n":1,"u":1}}
            """)!);
    }

    private static JsonObject Pick(JsonObject values, params string[] keys)
    {
        var result = new JsonObject();
        foreach (var key in keys)
        {
            if (values[key] is { } node)
            {
                result[key] = node.DeepClone();
            }
        }

        return result;
    }

    private static JsonObject Session(JsonObject metrics, int seconds, long timestamp) => new()
    {
        ["metrics"] = metrics,
        ["seconds"] = seconds,
        ["timestamp"] = timestamp,
    };

    private static JsonObject Level(int count, decimal? sum, decimal? dur, string world, string difficulty, long? timestampMs)
    {
        var e = new JsonObject { ["key"] = "level", ["count"] = count, ["segmentation"] = new JsonObject { ["world"] = world, ["difficulty"] = difficulty } };
        if (sum is { } s)
        {
            e["sum"] = s;
        }

        if (dur is { } d)
        {
            e["dur"] = d;
        }

        if (timestampMs is { } t)
        {
            e["timestamp"] = t;
        }

        return e;
    }
}
