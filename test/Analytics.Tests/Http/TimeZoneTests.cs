using Analytics.Tests.Infrastructure;

namespace Analytics.Tests.Http;

/// <summary>Bucketing in the app's own IANA time zone (spec §1.3).</summary>
[Collection(nameof(ServerCollection))]
public sealed class TimeZoneTests(ServerFixture fixture)
{
    private static readonly TimeZoneInfo NewYork = TimeZoneInfo.FindSystemTimeZoneById("America/New_York");
    private static readonly TimeZoneInfo Tokyo = TimeZoneInfo.FindSystemTimeZoneById("Asia/Tokyo");

    [Fact]
    public async Task The_same_instant_lands_on_different_days_in_New_York_and_Tokyo()
    {
        using var api = fixture.Api();
        var (newYorkApp, newYorkKey) = await api.CreateAppAsync("New York", "America/New_York");
        var (tokyoApp, tokyoKey) = await api.CreateAppAsync("Tokyo", "Asia/Tokyo");
        var t = InstantOnDifferentDays();

        await api.WriteAsync(newYorkKey, "D", ("begin_session", "1"), ("timestamp", TestTime.Text(t)));
        await api.WriteAsync(tokyoKey, "D", ("begin_session", "1"), ("timestamp", TestTime.Text(t)));

        var inNewYork = TestTime.Fill(Sessions.OneNewUser, t, NewYork);
        var inTokyo = TestTime.Fill(Sessions.OneNewUser, t, Tokyo);
        Assert.NotEqual(inNewYork, inTokyo);
        await Expect.ReadAsync(api, newYorkApp, "sessions", inNewYork);
        await Expect.ReadAsync(api, tokyoApp, "sessions", inTokyo);
    }

    [Fact]
    public async Task An_app_created_in_a_zone_reports_it()
    {
        using var api = fixture.Api();

        var (appId, _) = await api.CreateAppAsync("Tokyo", "Asia/Tokyo");

        var apps = (await api.GetAsync($"/o/apps/all?api_key={api.AdminKey}")).Json!;
        Assert.Equal("Asia/Tokyo", apps["admin_of"]![appId]!["timezone"]!.GetValue<string>());
    }

    /// <summary>The latest past instant, at least 10 minutes into a previous hour, whose local date differs between the two zones.</summary>
    private static long InstantOnDifferentDays()
    {
        var t = TestTime.InPreviousHour(10);
        while (Date(t, NewYork) == Date(t, Tokyo))
        {
            t -= 3_600_000;
        }

        return t;
    }

    private static DateOnly Date(long ms, TimeZoneInfo zone) => DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(DateTimeOffset.FromUnixTimeMilliseconds(ms), zone).DateTime);
}
