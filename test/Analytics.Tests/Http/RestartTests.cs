using Analytics.Tests.Infrastructure;

namespace Analytics.Tests.Http;

/// <summary>
/// A clean stop and a start on the same storage keep every number and every device's state.
/// Own Azurite and server: stopping the shared one would disturb the other tests.
/// </summary>
public sealed class RestartTests
{
    private const string BeforeRestart = """
        {"{Y}":{"t":2,"n":2,"u":2,"e":4,"d":30,"f":{"0":2},"ds":{"1":1},"Unknown":{"u":2,"t":2,"n":2},
          "{W}":{"u":2,"f":{"0":2},"ds":{"1":1},"Unknown":{"u":2}},
          "{M}":{"t":2,"n":2,"u":2,"e":4,"d":30,"f":{"0":2},"ds":{"1":1},"Unknown":{"u":2,"t":2,"n":2},
            "{D}":{"t":2,"n":2,"u":2,"e":4,"d":30,"f":{"0":2},"ds":{"1":1},"Unknown":{"t":2,"n":2,"u":2},
              "{H}":{"t":2,"n":2,"u":2,"e":4,"d":30}}}},
         "meta":{"countries":["Unknown"],"f-ranges":["0"],"d-ranges":["1"]}}
        """;

    private const string AfterReturn = """
        {"{Y}":{"t":3,"n":2,"u":2,"e":5,"d":30,"f":{"0":2,"1":1},"ds":{"1":1},"Unknown":{"u":2,"t":3,"n":2},
          "{W}":{"u":2,"f":{"0":2,"1":1},"ds":{"1":1},"Unknown":{"u":2}},
          "{M}":{"t":3,"n":2,"u":2,"e":5,"d":30,"f":{"0":2,"1":1},"ds":{"1":1},"Unknown":{"u":2,"t":3,"n":2},
            "{D}":{"t":3,"n":2,"u":2,"e":5,"d":30,"f":{"0":2,"1":1},"ds":{"1":1},"Unknown":{"t":3,"n":2,"u":2},
              "{H}":{"t":3,"n":2,"u":2,"e":5,"d":30}}}},
         "meta":{"countries":["Unknown"],"f-ranges":["0","1"],"d-ranges":["1"]}}
        """;

    private const string Event = """{"{Y}":{"c":3,"s":4.47,"{M}":{"c":3,"s":4.47,"{D}":{"c":3,"s":4.47,"{H}":{"c":3,"s":4.47}}}}}""";

    [Fact]
    public async Task A_clean_restart_keeps_the_numbers_and_a_returning_device_is_not_new()
    {
        await using var azurite = await AzuriteProcess.StartAsync();
        await using var server = await ServerProcess.StartAsync(azurite.ConnectionString);
        var t = TestTime.InPreviousHour(10);
        string appId, appKey, liveAppId;
        var reads = new Dictionary<string, string>();
        using (var api = new CountlyClient(server.Client(), server.AdminKey))
        {
            (appId, appKey) = await api.CreateAppAsync();
            await api.WriteAsync(appKey, "D1", ("begin_session", "1"), ("timestamp", TestTime.Text(t)), ("metrics", """{"_os":"Android","_app_version":"2.1"}"""));
            await api.WriteAsync(appKey, "D2", ("begin_session", "1"), ("timestamp", TestTime.Text(t + 1000)), ("metrics", """{"_os":"IOS"}"""));
            await api.WriteAsync(appKey, "D1", ("session_duration", "30"), ("timestamp", TestTime.Text(t + 2000)), ("events", """[{"key":"buy","count":2,"sum":2.97}]"""));
            await api.WriteAsync(appKey, "D1", ("end_session", "1"), ("timestamp", TestTime.Text(t + 3000)), ("events", """[{"key":"buy","count":1,"sum":1.5}]"""));
            await Expect.ReadAsync(api, appId, "sessions", TestTime.Fill(BeforeRestart, t));
            await Expect.ReadAsync(api, appId, "events", TestTime.Fill(Event, t), "&event=buy");
            foreach (var read in new[] { "sessions", "device_details", "events&event=buy", "get_events", "total_users" })
            {
                reads[read] = (await api.ReadAsync(appId, read)).Body;
            }

            // The live maxima of another app (its devices online now) are kept across the restart.
            (liveAppId, var liveKey) = await api.CreateAppAsync("Live");
            await api.WriteAsync(liveKey, "L1", ("begin_session", "1"));
            await api.WriteAsync(liveKey, "L2", ("begin_session", "1"));
            Assert.True(await CountlyClient.EventuallyAsync(async () => (await api.ReadAsync(liveAppId, "live")).Json?["om"]?.GetValue<long>() == 2, TimeSpan.FromSeconds(10)));
        }

        await server.StopAsync();
        await server.StartAgainAsync();

        using var again = new CountlyClient(server.Client(), server.AdminKey);
        foreach (var (read, body) in reads)
        {
            Expect.Same(body, (await again.ReadAsync(appId, read)).Body);
        }

        var live = (await again.ReadAsync(liveAppId, "live")).Json!;
        Assert.Equal((2L, 2L), (live["om"]!.GetValue<long>(), live["nm"]!.GetValue<long>()));

        var resent = await again.WriteAsync(appKey, "D1", ("end_session", "1"), ("timestamp", TestTime.Text(t + 3000)), ("events", """[{"key":"buy","count":1,"sum":1.5}]"""));
        Expect.Answer(resent, System.Net.HttpStatusCode.OK, """{"result":"Success","info":"Request ignored: Duplicate request"}""");

        await again.WriteAsync(appKey, "D1", ("begin_session", "1"), ("timestamp", TestTime.Text(t + (20 * 60_000))));
        await Expect.ReadAsync(again, appId, "sessions", TestTime.Fill(AfterReturn, t));
        await Expect.ReadAsync(again, appId, "total_users", """[{"_id":"users","u":2}]""");
    }
}
