using System.Net;
using System.Text.Json.Nodes;
using Analytics.Tests.Infrastructure;

namespace Analytics.Tests.Http;

/// <summary>
/// The session sequence of Countly's own test (spec §1.5 worked example) over real HTTP:
/// after each request the year-level numbers of <c>/o?method=sessions</c> are exactly Countly's.
/// </summary>
[Collection(nameof(ServerCollection))]
public sealed class SessionSequenceTests(ServerFixture fixture)
{
    private static readonly TimeZoneInfo Istanbul = TimeZoneInfo.FindSystemTimeZoneById("Europe/Istanbul");

    [Fact]
    public async Task The_worked_example_produces_Countlys_numbers_after_every_step()
    {
        using var api = fixture.Api();
        var (appId, appKey) = await api.CreateAppAsync();
        var baseTime = BaseTime();
        var step = 0;
        Task<CountlyClient.Answer> Send(string device, params (string, string)[] p) =>
            api.WriteAsync(appKey, device, [.. p, ("timestamp", (baseTime + (++step * 1000)).ToString(System.Globalization.CultureInfo.InvariantCulture))]);

        Assert.Equal(HttpStatusCode.OK, (await Send("D")).Status);
        await Task.Delay(600);
        Assert.Equal("{}", (await api.ReadAsync(appId, "sessions")).Body);

        await Send("D", ("begin_session", "1"));
        await ExpectYearAsync(api, appId, baseTime, """{"t":1,"n":1,"u":1,"e":2,"f":{"0":1},"Unknown":{"u":1,"t":1,"n":1}}""");

        await Send("D", ("begin_session", "1"));
        await ExpectYearAsync(api, appId, baseTime, """{"t":2,"n":1,"u":1,"e":3,"f":{"0":1,"1":1},"ds":{"0":1},"Unknown":{"u":1,"t":2,"n":1}}""");

        await Send("D2", ("begin_session", "1"));
        await ExpectYearAsync(api, appId, baseTime, """{"t":3,"n":2,"u":2,"e":4,"f":{"0":2,"1":1},"ds":{"0":1},"Unknown":{"u":2,"t":3,"n":2}}""");

        await Send("D", ("session_duration", "30"));
        await ExpectYearAsync(api, appId, baseTime, """{"t":3,"n":2,"u":2,"e":5,"d":30,"f":{"0":2,"1":1},"ds":{"0":1},"Unknown":{"u":2,"t":3,"n":2}}""");

        await Send("D", ("end_session", "1"));
        await ExpectYearAsync(api, appId, baseTime, """{"t":3,"n":2,"u":2,"e":6,"d":30,"f":{"0":2,"1":1},"ds":{"0":1,"1":1},"Unknown":{"u":2,"t":3,"n":2}}""");

        await Send("D", ("session_duration", "30"));
        await ExpectYearAsync(api, appId, baseTime, """{"t":3,"n":2,"u":2,"e":7,"d":60,"f":{"0":2,"1":1},"ds":{"0":1,"1":1},"Unknown":{"u":2,"t":3,"n":2}}""");

        await Send("DA", ("end_session", "1"));
        await Task.Delay(600);
        var final = await ExpectYearAsync(api, appId, baseTime, """{"t":3,"n":2,"u":2,"e":7,"d":60,"f":{"0":2,"1":1},"ds":{"0":1,"1":1},"Unknown":{"u":2,"t":3,"n":2}}""");

        var local = TimeZoneInfo.ConvertTime(DateTimeOffset.FromUnixTimeMilliseconds(baseTime), Istanbul);
        var week = "w" + ((local.DayOfYear + 6) / 7);
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""{"u":2,"f":{"0":2,"1":1},"ds":{"0":1,"1":1},"Unknown":{"u":2}}"""), final[local.Year.ToString()]![week]), final.ToJsonString());
        var hour = final[local.Year.ToString()]![local.Month.ToString()]![local.Day.ToString()]![local.Hour.ToString()]!;
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""{"t":3,"n":2,"u":2,"e":7,"d":60}"""), hour), hour.ToJsonString());
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""{"countries":["Unknown"],"f-ranges":["0","1"],"d-ranges":["0","1"]}"""), final["meta"]), final["meta"]!.ToJsonString());
    }

    /// <summary>A moment 10 minutes into the previous hour (never in the future, never crossing an hour).</summary>
    private static long BaseTime()
    {
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        return (now / 3_600_000 * 3_600_000) - 3_600_000 + 600_000;
    }

    private static async Task<JsonNode> ExpectYearAsync(CountlyClient api, string appId, long time, string expectedYearProps)
    {
        var local = TimeZoneInfo.ConvertTime(DateTimeOffset.FromUnixTimeMilliseconds(time), Istanbul);
        var expected = JsonNode.Parse(expectedYearProps)!.AsObject();
        JsonNode? last = null;
        var ok = await CountlyClient.EventuallyAsync(async () =>
        {
            last = (await api.ReadAsync(appId, "sessions")).Json;
            var year = last?[local.Year.ToString()]?.AsObject();
            if (year is null)
            {
                return false;
            }

            // Compare the year-level props only (not the nested week/month objects).
            var props = new JsonObject();
            foreach (var (k, v) in year)
            {
                if (!int.TryParse(k, out _) && !k.StartsWith('w'))
                {
                    props[k] = v?.DeepClone();
                }
            }

            return JsonNode.DeepEquals(props, expected);
        });
        Assert.True(ok, $"expected year props {expectedYearProps}, got {last?.ToJsonString()}");
        return last!;
    }
}
