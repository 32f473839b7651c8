using System.Net;
using System.Text.Json.Nodes;
using Analytics.Tests.Infrastructure;

namespace Analytics.Tests.Http;

/// <summary>
/// A device-id change with merge (<c>old_device_id</c>, spec §1.1; the SDKs' change-id with
/// merge) over HTTP, through the grains and the journal: the new id takes the old one's history.
/// </summary>
[Collection(nameof(ServerCollection))]
public sealed class DeviceIdChangeTests(ServerFixture fixture)
{
    [Fact]
    public async Task After_a_merge_the_new_id_is_the_same_user()
    {
        using var api = fixture.Api();
        var (appId, appKey) = await api.CreateAppAsync();
        var t = TestTime.InPreviousHour(10);

        await api.WriteAsync(appKey, "anonymous", ("begin_session", "1"), ("timestamp", TestTime.Text(t)));
        await api.WriteAsync(appKey, "anonymous", ("end_session", "1"), ("session_duration", "30"), ("timestamp", TestTime.Text(t + 30_000)));
        var change = await api.WriteAsync(appKey, "user@example.com", ("old_device_id", "anonymous"), ("timestamp", TestTime.Text(t + 60_000)));
        var resent = await api.WriteAsync(appKey, "user@example.com", ("old_device_id", "anonymous"), ("timestamp", TestTime.Text(t + 60_000)));
        await api.WriteAsync(appKey, "user@example.com", ("begin_session", "1"), ("timestamp", TestTime.Text(t + (20 * 60_000))));

        Expect.Answer(change, HttpStatusCode.OK, """{"result":"Success"}""");
        Expect.Answer(resent, HttpStatusCode.OK, """{"result":"Success","info":"Request ignored: Duplicate request"}""");
        var year = TestTime.Fill("{Y}", t);
        await api.ReadUntilAsync(appId, "sessions", j => j?[year]?["t"]?.GetValue<decimal>() == 2);
        var sessions = (await api.ReadAsync(appId, "sessions")).Json![year]!;
        Assert.Equal((2m, 1m, 1m), (sessions["t"]!.GetValue<decimal>(), sessions["n"]!.GetValue<decimal>(), sessions["u"]!.GetValue<decimal>()));
        await Expect.ReadAsync(api, appId, "total_users", """[{"_id":"users","u":1}]""");
    }

    [Fact]
    public async Task A_merge_inside_a_bulk_takes_the_history_its_earlier_items_wrote()
    {
        using var api = fixture.Api();
        var (appId, appKey) = await api.CreateAppAsync();
        var t = TestTime.InPreviousHour(10);
        JsonObject Item(string device, long ts, string name, string value) => new()
        {
            ["app_key"] = appKey,
            ["device_id"] = device,
            ["timestamp"] = TestTime.Text(ts),
            [name] = value,
        };
        var items = new JsonArray(
            Item("anonymous", t, "begin_session", "1"),
            Item("user", t + 1000, "old_device_id", "anonymous"),
            Item("user", t + 2000, "events", """[{"key":"after"}]"""),
            Item("user", t + (20 * 60_000), "begin_session", "1"));

        var answer = await api.PostJsonAsync("/i/bulk", new JsonObject { ["requests"] = items }.ToJsonString());

        Expect.Answer(answer, HttpStatusCode.OK, """{"result":"Success"}""");
        var year = TestTime.Fill("{Y}", t);
        await api.ReadUntilAsync(appId, "sessions", j => j?[year]?["t"]?.GetValue<decimal>() == 2);
        var sessions = (await api.ReadAsync(appId, "sessions")).Json![year]!;
        Assert.Equal((2m, 1m, 4m), (sessions["t"]!.GetValue<decimal>(), sessions["n"]!.GetValue<decimal>(), sessions["e"]!.GetValue<decimal>()));
        await Expect.ReadAsync(api, appId, "total_users", """[{"_id":"users","u":1}]""");
    }

    [Fact]
    public async Task The_old_id_starts_over_after_it_was_merged()
    {
        using var api = fixture.Api();
        var (appId, appKey) = await api.CreateAppAsync();
        var t = TestTime.InPreviousHour(10);

        await api.WriteAsync(appKey, "first", ("begin_session", "1"), ("timestamp", TestTime.Text(t)));
        await api.WriteAsync(appKey, "second", ("old_device_id", "first"), ("timestamp", TestTime.Text(t + 1000)));
        await api.WriteAsync(appKey, "first", ("begin_session", "1"), ("timestamp", TestTime.Text(t + 60_000)));

        // "first" was Countly's deleted user: its next session is a new user's.
        var year = TestTime.Fill("{Y}", t);
        await api.ReadUntilAsync(appId, "sessions", j => j?[year]?["t"]?.GetValue<decimal>() == 2);
        Assert.Equal(2m, (await api.ReadAsync(appId, "sessions")).Json![year]!["n"]!.GetValue<decimal>());
        await Expect.ReadAsync(api, appId, "total_users", """[{"_id":"users","u":2}]""");
    }

    [Theory]
    [InlineData("same")]
    [InlineData("")]
    public async Task An_old_device_id_equal_to_the_device_id_or_empty_is_a_plain_request(string old)
    {
        using var api = fixture.Api();
        var (appId, appKey) = await api.CreateAppAsync();
        var t = TestTime.InPreviousHour(10);

        await api.WriteAsync(appKey, "same", ("begin_session", "1"), ("timestamp", TestTime.Text(t)));
        var answer = await api.WriteAsync(appKey, "same", ("old_device_id", old), ("timestamp", TestTime.Text(t + 1000)));

        Expect.Answer(answer, HttpStatusCode.OK, """{"result":"Success"}""");
        var year = TestTime.Fill("{Y}", t);
        await api.ReadUntilAsync(appId, "sessions", j => j?[year]?["e"]?.GetValue<decimal>() == 2);
        await Expect.ReadAsync(api, appId, "total_users", """[{"_id":"users","u":1}]""");
    }
}
