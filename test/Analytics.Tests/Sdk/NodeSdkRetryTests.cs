using System.Text.Json.Nodes;
using Analytics.Tests.Infrastructure;

namespace Analytics.Tests.Sdk;

/// <summary>
/// The Node SDK re-sends an unacknowledged request unchanged (same parameters, same ms
/// <c>timestamp</c>). Through a proxy that delivers the first attempt of every request to the
/// server but answers the SDK 500, every request reaches the server twice; the second delivery
/// is recognised as a duplicate (spec §1.12) and every count read through <c>/o</c> is exact.
/// </summary>
[Collection(nameof(SdkCollection))]
public sealed class NodeSdkRetryTests(ServerFixture fixture)
{
    private const string TimeZone = "Europe/Berlin";

    [Fact]
    public async Task A_request_delivered_twice_because_the_sdk_retried_is_counted_once()
    {
        using var api = fixture.Api();
        var (appId, appKey) = await api.CreateAppAsync("Node SDK retries", TimeZone);
        var scenario = new JsonObject
        {
            ["deviceId"] = "retry-1",
            ["appVersion"] = "4.1",
            ["failFirstDelivery"] = true,
            ["metrics"] = new JsonObject { ["_os"] = "Android", ["_os_version"] = "14", ["_carrier"] = "vodafone" },
            ["events"] = new JsonArray(new JsonObject { ["key"] = "checkout", ["count"] = 4, ["sum"] = 12.25m, ["dur"] = 7, ["segmentation"] = new JsonObject { ["step"] = "pay", ["cart"] = "big" } }),
        };

        var run = await NodeScript.RunAsync("sdk-session.js", fixture.Server.BaseAddress, appKey, scenario, TimeSpan.FromSeconds(90));
        run.AssertFinished();

        // What the server saw: every distinct request exactly twice; the first applied, the second a duplicate.
        var deliveries = run.OfType("delivery").ToList();
        var byRequest = deliveries.GroupBy(d => $"{d["method"]} {d["path"]}\n{d["body"]}").ToList();
        Assert.True(byRequest.Count >= 4, run.ToString());
        foreach (var group in byRequest)
        {
            var attempts = group.OrderBy(d => d["attempt"]!.GetValue<int>()).ToList();
            Assert.True(attempts.Count == 2, $"{attempts.Count} deliveries of {group.Key}");
            Assert.Equal(200, attempts[0]["upstreamStatus"]!.GetValue<int>());
            Assert.Equal("""{"result":"Success"}""", attempts[0]["upstreamBody"]!.GetValue<string>());
            Assert.Equal(500, attempts[0]["answeredStatus"]!.GetValue<int>());
            Assert.Equal(200, attempts[1]["upstreamStatus"]!.GetValue<int>());
            Assert.Equal("""{"result":"Success","info":"Request ignored: Duplicate request"}""", attempts[1]["upstreamBody"]!.GetValue<string>());
        }

        // What the SDK saw: each request failed once (500) and was re-sent byte for byte.
        var sent = run.Exchanges;
        Assert.Equal(deliveries.Count, sent.Count);
        foreach (var group in sent.GroupBy(x => x.WireKey))
        {
            Assert.Equal(new[] { 500, 200 }, group.Select(x => x.Status));
        }

        var model = new CountlyModel(TimeZoneInfo.FindSystemTimeZoneById(TimeZone));
        foreach (var x in sent.Where(x => x.Ok))
        {
            model.Apply(x.JsonParams);
        }

        Assert.Equal(byRequest.Count, model.Requests);
        await SdkReads.ExpectAsync(api, appId, "sessions", "", j => TimeObjects.Project(j, TimeObjects.SessionKeys), model.Sessions, run);
        await SdkReads.ExpectAsync(api, appId, "events", "&event=checkout", TimeObjects.WithoutMeta, model.Event("checkout"));
        await SdkReads.ExpectAsync(api, appId, "events", "&event=checkout&segmentation=step", TimeObjects.WithoutMeta, model.EventBySegment("checkout", "step"));
        var year = model.Sessions.First().Key;
        await SdkReads.ExpectAsync(api, appId, "carriers", "", j => SdkReads.YearValues(j, year), JsonNode.Parse("""{"Vodafone":{"t":1,"n":1,"u":1}}""")!);
    }
}
