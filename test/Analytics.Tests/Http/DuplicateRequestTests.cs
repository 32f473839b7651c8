using System.Net;
using Analytics.Tests.Infrastructure;

namespace Analytics.Tests.Http;

/// <summary>Duplicate-request suppression (spec §1.12): an SDK's resend with the same explicit timestamp counts once.</summary>
[Collection(nameof(ServerCollection))]
public sealed class DuplicateRequestTests(ServerFixture fixture)
{
    private const string Duplicate = """{"result":"Success","info":"Request ignored: Duplicate request"}""";

    private const string OneEvent = """{"{Y}":{"c":1,"{M}":{"c":1,"{D}":{"c":1,"{H}":{"c":1}}}}}""";

    [Fact]
    public async Task The_same_request_with_the_same_timestamp_twice_is_answered_duplicate_and_counted_once()
    {
        using var api = fixture.Api();
        var (appId, appKey) = await api.CreateAppAsync();
        var t = TestTime.InPreviousHour(10);

        var first = await api.WriteAsync(appKey, "D", ("begin_session", "1"), ("timestamp", TestTime.Text(t)));
        var second = await api.WriteAsync(appKey, "D", ("begin_session", "1"), ("timestamp", TestTime.Text(t)));

        Expect.Answer(first, HttpStatusCode.OK, """{"result":"Success"}""");
        Expect.Answer(second, HttpStatusCode.OK, Duplicate);
        await api.WriteAsync(appKey, "D", ("timestamp", TestTime.Text(t + 1000)), ("events", """[{"key":"marker"}]"""));
        await Expect.ReadAsync(api, appId, "events", TestTime.Fill(OneEvent, t), "&event=marker");
        await Expect.ReadAsync(api, appId, "sessions", TestTime.Fill(Sessions.OneNewUser.Replace("\"e\":1", "\"e\":2", StringComparison.Ordinal), t));
    }

    [Fact]
    public async Task A_resent_event_request_counts_once()
    {
        using var api = fixture.Api();
        var (appId, appKey) = await api.CreateAppAsync();
        var t = TestTime.InPreviousHour(10);

        await api.WriteAsync(appKey, "D", ("timestamp", TestTime.Text(t)), ("events", """[{"key":"buy","count":1}]"""));
        var resend = await api.WriteAsync(appKey, "D", ("timestamp", TestTime.Text(t)), ("events", """[{"key":"buy","count":1}]"""));
        await api.WriteAsync(appKey, "D", ("timestamp", TestTime.Text(t + 1000)), ("events", """[{"key":"marker"}]"""));

        Expect.Answer(resend, HttpStatusCode.OK, Duplicate);
        await Expect.ReadAsync(api, appId, "events", TestTime.Fill(OneEvent, t), "&event=marker");
        Expect.Json(await api.ReadAsync(appId, "events", "&event=buy"), TestTime.Fill(OneEvent, t));
    }

    [Fact]
    public async Task A_retry_arriving_after_other_requests_of_the_device_is_still_a_duplicate()
    {
        using var api = fixture.Api();
        var (appId, appKey) = await api.CreateAppAsync();
        var t = TestTime.InPreviousHour(10);
        (string, string)[] original = [("timestamp", TestTime.Text(t)), ("events", """[{"key":"buy","count":1}]""")];

        await api.WriteAsync(appKey, "D", original);
        await api.WriteAsync(appKey, "D", ("timestamp", TestTime.Text(t + 1000)), ("events", """[{"key":"other"}]"""));
        await api.WriteAsync(appKey, "D", ("begin_session", "1"), ("timestamp", TestTime.Text(t + 2000)));
        var retry = await api.WriteAsync(appKey, "D", original);
        await api.WriteAsync(appKey, "D", ("timestamp", TestTime.Text(t + 3000)), ("events", """[{"key":"marker"}]"""));

        Expect.Answer(retry, HttpStatusCode.OK, Duplicate);
        await Expect.ReadAsync(api, appId, "events", TestTime.Fill(OneEvent, t), "&event=marker");
        Expect.Json(await api.ReadAsync(appId, "events", "&event=buy"), TestTime.Fill(OneEvent, t));
    }

    [Fact]
    public async Task The_same_request_resent_as_a_POST_is_a_duplicate()
    {
        using var api = fixture.Api();
        var (_, appKey) = await api.CreateAppAsync();
        var t = TestTime.InPreviousHour(10);

        await api.WriteAsync(appKey, "D", ("begin_session", "1"), ("timestamp", TestTime.Text(t)));
        var resend = await api.PostFormAsync("/i", [new("timestamp", TestTime.Text(t)), new("begin_session", "1"), new("device_id", "D"), new("app_key", appKey)]);

        Expect.Answer(resend, HttpStatusCode.OK, Duplicate);
    }

    [Fact]
    public async Task Without_a_timestamp_identical_requests_both_count()
    {
        using var api = fixture.Api();
        var (appId, appKey) = await api.CreateAppAsync();

        var first = await api.WriteAsync(appKey, "D", ("events", """[{"key":"buy","count":1}]"""));
        var second = await api.WriteAsync(appKey, "D", ("events", """[{"key":"buy","count":1}]"""));

        Expect.Answer(first, HttpStatusCode.OK, """{"result":"Success"}""");
        Expect.Answer(second, HttpStatusCode.OK, """{"result":"Success"}""");
        string? last = null;
        var ok = await CountlyClient.EventuallyAsync(async () =>
        {
            last = (await api.ReadAsync(appId, "events", "&event=buy")).Body;
            return System.Text.Json.Nodes.JsonNode.Parse(last) is System.Text.Json.Nodes.JsonObject o && o.Count == 1 && o.First().Value?["c"]?.GetValue<int>() == 2;
        });
        Assert.True(ok, last);
    }

    [Fact]
    public async Task Requests_differing_only_in_rr_are_duplicates()
    {
        using var api = fixture.Api();
        var (_, appKey) = await api.CreateAppAsync();
        var t = TestTime.InPreviousHour(10);

        await api.WriteAsync(appKey, "D", ("begin_session", "1"), ("timestamp", TestTime.Text(t)), ("rr", "3"));
        var resend = await api.WriteAsync(appKey, "D", ("begin_session", "1"), ("timestamp", TestTime.Text(t)), ("rr", "2"));

        Expect.Answer(resend, HttpStatusCode.OK, Duplicate);
    }

    [Fact]
    public async Task An_item_repeated_in_a_bulk_counts_once()
    {
        using var api = fixture.Api();
        var (appId, appKey) = await api.CreateAppAsync();
        var t = TestTime.InPreviousHour(10);
        var item = $$"""{"device_id":"D","timestamp":{{t}},"events":[{"key":"buy","count":1}]}""";

        var answer = await api.PostFormAsync("/i/bulk", [new("app_key", appKey), new("requests", $"[{item},{item}]")]);
        await api.WriteAsync(appKey, "D", ("timestamp", TestTime.Text(t + 1000)), ("events", """[{"key":"marker"}]"""));

        Expect.Answer(answer, HttpStatusCode.OK, """{"result":"Success"}""");
        await Expect.ReadAsync(api, appId, "events", TestTime.Fill(OneEvent, t), "&event=marker");
        Expect.Json(await api.ReadAsync(appId, "events", "&event=buy"), TestTime.Fill(OneEvent, t));
    }

    [Fact]
    public async Task A_bulk_resent_whole_counts_once_even_with_more_items_of_a_device_than_the_fingerprint_window()
    {
        // The SDK re-sends an unanswered bulk unchanged; a device's items beyond the last 16
        // fingerprints must still be recognised (they were counted again before).
        using var api = fixture.Api();
        var (appId, appKey) = await api.CreateAppAsync();
        var t = TestTime.InPreviousHour(10);
        const int items = 40;
        var requests = "[" + string.Join(",", Enumerable.Range(0, items).Select(i => $$"""{"device_id":"D","timestamp":{{t + i}},"events":[{"key":"buy","count":1}]}""")) + "]";

        var first = await api.PostFormAsync("/i/bulk", [new("app_key", appKey), new("requests", requests)]);
        var resend = await api.PostFormAsync("/i/bulk", [new("app_key", appKey), new("requests", requests)]);
        await api.WriteAsync(appKey, "D", ("timestamp", TestTime.Text(t + 1000)), ("events", """[{"key":"marker"}]"""));

        Expect.Answer(first, HttpStatusCode.OK, """{"result":"Success"}""");
        Expect.Answer(resend, HttpStatusCode.OK, """{"result":"Success"}""");
        await Expect.ReadAsync(api, appId, "events", TestTime.Fill(OneEvent, t), "&event=marker");
        Expect.Json(await api.ReadAsync(appId, "events", "&event=buy"), TestTime.Fill(OneEvent.Replace("\"c\":1", $"\"c\":{items}", StringComparison.Ordinal), t));
    }
}
