using System.Text.Json.Nodes;
using Analytics.Tests.Infrastructure;

namespace Analytics.Tests.Sdk;

/// <summary>
/// An app with a salt (set with <c>/i/apps/update</c>): the Node SDK initialised with that
/// <c>salt</c> signs every request (<c>checksum256</c>) and is counted; an SDK with a wrong salt
/// gets Countly's <c>200 {"result":"Request does not match checksum"}</c> for every request and
/// nothing of it is counted; an unsigned request gets <c>Request does not have checksum</c>.
/// </summary>
[Collection(nameof(SdkCollection))]
public sealed class NodeSdkSaltTests(ServerFixture fixture)
{
    private const string TimeZone = "Europe/Istanbul";
    private const string Salt = "s0dium-chl0ride";

    [Fact]
    public async Task Only_requests_signed_with_the_apps_salt_are_counted()
    {
        using var api = fixture.Api();
        var (appId, appKey) = await api.CreateAppAsync("Node SDK salt", TimeZone);
        var update = await api.GetAsync($"/i/apps/update?api_key={api.AdminKey}&args={Uri.EscapeDataString(new JsonObject { ["app_id"] = appId, ["salt"] = Salt }.ToJsonString())}");
        Assert.Equal(System.Net.HttpStatusCode.OK, update.Status);
        Assert.Equal(Salt, update.Json!["salt"]!.GetValue<string>());

        var good = Scenario("salted-good", Salt, "Linux", "6.1", "signed_event");
        var bad = Scenario("salted-bad", "not-the-salt", "Windows", "11", "unsigned_event");
        var runs = await Task.WhenAll(
            NodeScript.RunAsync("sdk-session.js", fixture.Server.BaseAddress, appKey, good),
            NodeScript.RunAsync("sdk-session.js", fixture.Server.BaseAddress, appKey, bad));
        runs[0].AssertFinished();
        runs[1].AssertFinished();

        var model = new CountlyModel(TimeZoneInfo.FindSystemTimeZoneById(TimeZone));
        Assert.All(runs[0].Exchanges, x =>
        {
            Assert.Matches("^[0-9a-f]{64}$", x.Params["checksum256"]);
            Assert.Equal(200, x.Status);
            Assert.Equal("""{"result":"Success"}""", x.Response);
            model.Apply(x.JsonParams);
        });

        // Countly 20.11+: a checksum failure is HTTP 200 with a truthy result, so the SDK takes it
        // as delivered; the server must not count any of it.
        Assert.NotEmpty(runs[1].Exchanges);
        Assert.All(runs[1].Exchanges, x =>
        {
            Assert.Matches("^[0-9a-f]{64}$", x.Params["checksum256"]);
            Assert.Equal(200, x.Status);
            Assert.Equal("""{"result":"Request does not match checksum"}""", x.Response);
        });

        var unsigned = await api.WriteAsync(appKey, "salted-none", ("begin_session", "1"));
        Assert.Equal(System.Net.HttpStatusCode.OK, unsigned.Status);
        Assert.Equal("""{"result":"Request does not have checksum"}""", unsigned.Body);

        var year = model.Sessions.First().Key;
        Assert.Equal(1m, model.Sessions[year]!["t"]!.GetValue<decimal>());
        await SdkReads.ExpectAsync(api, appId, "sessions", "", j => TimeObjects.Project(j, TimeObjects.SessionKeys), model.Sessions, string.Join("\n", runs.Select(r => r.ToString())));
        await SdkReads.ExpectAsync(api, appId, "device_details", "", j => SdkReads.YearValues(j, year), JsonNode.Parse("""
            {"Linux":{"t":1,"n":1,"u":1},"l6:1":{"t":1,"n":1,"u":1},"1:0":{"t":1,"n":1,"u":1}}
            """)!);
        await SdkReads.ExpectAsync(api, appId, "events", "&event=signed_event", TimeObjects.WithoutMeta, model.Event("signed_event"));
        var events = (await api.ReadAsync(appId, "get_events")).Json!;
        Assert.Equal(SdkReads.Sorted("signed_event"), SdkReads.Sorted(events["list"]));
    }

    private static JsonObject Scenario(string deviceId, string salt, string os, string osVersion, string eventKey) => new()
    {
        ["deviceId"] = deviceId,
        ["appVersion"] = "1.0",
        ["salt"] = salt,
        ["metrics"] = new JsonObject { ["_os"] = os, ["_os_version"] = osVersion },
        ["events"] = new JsonArray(new JsonObject { ["key"] = eventKey, ["count"] = 2, ["sum"] = 3.5m, ["segmentation"] = new JsonObject { ["via"] = "sdk", ["salted"] = "yes" } }),
    };
}
