using System.Text.Json.Nodes;
using Analytics.Frontend.Accounts;
using Analytics.Frontend.Http;
using Analytics.Frontend.Ingest;
using Analytics.Frontend.Output;
using Analytics.Grains;
using Analytics.Grains.Domain;

namespace Analytics.Frontend.Handlers;

/// <summary>
/// The read API: <c>/o</c> v1 methods (spec §3), <c>/o/analytics/dashboard|countries</c> (§4)
/// and the SDK's <c>/o/sdk</c>, with Countly's validation order and messages.
/// </summary>
public sealed class ReadHandler(AccountsCache accounts, CounterReader counters, EventsReader events, LiveReader live)
{
    /// <summary>Countly's message for an unknown <c>/o/analytics</c> path (double space included).</summary>
    public const string AnalyticsPathMessage = "Invalid path, must be one of /dashboard,  /countries, /sessions, /metric, /tops, /loyalty, /frequency, /durations, /events";

    private static readonly Dictionary<string, string> CollectionOf = new(StringComparer.Ordinal)
    {
        ["sessions"] = Collections.Users,
        ["users"] = Collections.Users,
        ["locations"] = Collections.Users,
        ["device_details"] = Collections.DeviceDetails,
        ["app_versions"] = Collections.DeviceDetails,
        ["devices"] = Collections.Devices,
        ["carriers"] = Collections.Carriers,
        ["cities"] = Collections.Cities,
        ["langs"] = Collections.Langs,
        ["density"] = Collections.Density,
    };

    private static readonly HashSet<string> OtherMethods = ["events", "get_events", "total_users", "countries", "live", "live_graph", "retention"];

    /// <summary>Serves <c>/o</c>.</summary>
    public async Task ReadAsync(ApiContext api)
    {
        var appId = api.Params.GetString("app_id");
        if (string.IsNullOrEmpty(appId))
        {
            await api.MessageAsync(400, "Missing parameter \"app_id\"");
            return;
        }

        var method = api.Params.GetString("method") ?? "";
        if (!CollectionOf.ContainsKey(method) && !OtherMethods.Contains(method))
        {
            await api.MessageAsync(400, "Invalid method");
            return;
        }

        if (await ApiAuth.MemberAsync(api, accounts, lockedLater: true) is not { } member || await ApiAuth.ReadableAppAsync(api, accounts, member, appId) is not { } app)
        {
            return;
        }

        switch (method)
        {
            case "live":
                await live.LiveAsync(api, app);
                return;
            case "live_graph":
                await live.GraphAsync(api, app);
                return;
            case "retention":
                await live.RetentionAsync(api, app);
                return;
        }

        var zone = TimeZones.Get(app.Timezone);
        var nowMs = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        if (!Period.TryParse(api.Params.GetText("period"), zone, nowMs, out var period))
        {
            await api.MessageAsync(400, Period.BadRequestMessage);
            return;
        }

        if (CollectionOf.TryGetValue(method, out var collection))
        {
            var now = LocalTime.Of(nowMs, zone);
            var data = api.Params.GetString("action") == "refresh" ? await counters.RefreshAsync(app.Id, collection, now)
                : CounterReader.WantsFullRange(api) ? await counters.FullRangeAsync(app.Id, collection, now)
                : await counters.TimeObjectAsync(app.Id, collection, period);
            await DataReply.WriteAsync(api, data);
            return;
        }

        switch (method)
        {
            case "events":
                await events.EventsAsync(api, app, period, zone, nowMs);
                break;
            case "get_events":
                await events.GetEventsAsync(api, app);
                break;
            case "total_users":
                await TotalUsersAsync(api, app, period);
                break;
            case "countries":
                // Countly reads its "countries" collection here, which the modern line no longer
                // writes (countries live in the users object), so the answer is always empty.
                await DataReply.WriteAsync(api, new JsonObject());
                break;
            default:
                await api.MessageAsync(400, "Invalid method");
                break;
        }
    }

    /// <summary>Serves <c>/o/analytics/*</c>.</summary>
    public async Task AnalyticsAsync(ApiContext api)
    {
        var appId = api.Params.GetString("app_id");
        if (string.IsNullOrEmpty(appId))
        {
            await api.MessageAsync(400, "Missing parameter \"app_id\"");
            return;
        }

        if (api.Action is not ("dashboard" or "countries"))
        {
            await api.MessageAsync(400, AnalyticsPathMessage);
            return;
        }

        if (await ApiAuth.MemberAsync(api, accounts, lockedLater: true) is not { } member || await ApiAuth.ReadableAppAsync(api, accounts, member, appId) is not { } app)
        {
            return;
        }

        var zone = TimeZones.Get(app.Timezone);
        var nowMs = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        var month = Period.Parse(Period.Default, zone, nowMs);
        if (api.Action == "countries")
        {
            var sections = CountriesOutput.Periods(zone, nowMs);
            var usersObject = await counters.TimeObjectAsync(app.Id, Collections.Users, month);
            var lastSeen = await LastSeenAsync(app.Id, sections.Select(s => s.Period));
            var withExact = sections.Select(s => s with { ExactUsers = LastSeenCounts.ByCountry(lastSeen, s.Period) }).ToList();
            await DataReply.WriteAsync(api, CountriesOutput.Build(usersObject, withExact));
            return;
        }

        if (!DashboardOutput.TryGetPeriods(api.Params.GetText("period"), zone, nowMs, out var periods))
        {
            await api.MessageAsync(400, Period.BadRequestMessage);
            return;
        }

        var fetch = DashboardOutput.PeriodToLoad(periods, month);
        var users = counters.TimeObjectAsync(app.Id, Collections.Users, fetch);
        var details = counters.TimeObjectAsync(app.Id, Collections.DeviceDetails, fetch);
        var carriers = counters.TimeObjectAsync(app.Id, Collections.Carriers, fetch);
        var seen = LastSeenAsync(app.Id, periods.Select(p => p.Period));
        await Task.WhenAll(users, details, carriers, seen);
        var exact = periods.Select(p => p with { ExactUsers = LastSeenCounts.Users(seen.Result, p.Period) }).ToList();
        await DataReply.WriteAsync(api, DashboardOutput.Build(users.Result, details.Result, carriers.Result, exact));
    }

    /// <summary>Serves <c>/o/sdk</c> (SDK-side reads: remote config and server config), after the SDK app checks.</summary>
    public async Task SdkAsync(ApiContext api)
    {
        var identity = SdkIdentity.Validate(api.Params);
        if (identity.Outcome == IdentityOutcome.UnknownApp || (identity.AppKey is { } key && accounts.AppByKey(key) is null))
        {
            await api.MessageAsync(400, SdkIdentity.UnknownAppMessage);
            return;
        }

        if (identity.Outcome == IdentityOutcome.Missing)
        {
            await api.MessageAsync(400, SdkIdentity.MissingMessage);
            return;
        }

        // No remote-config or server-config plugin: an empty configuration.
        await DataReply.WriteAsync(api, new JsonObject());
    }

    private async Task TotalUsersAsync(ApiContext api, AppRecord app, Period period)
    {
        var lastSeen = await LastSeenAsync(app.Id, [period]);
        var metric = api.Params.GetString("metric") ?? "users";
        if (metric is "countries" or "cc")
        {
            var byCountry = LastSeenCounts.ByCountry(lastSeen, period) ?? new Dictionary<string, long>();
            await DataReply.WriteAsync(api, TotalUsersOutput.Rows(byCountry.OrderByDescending(c => c.Value)));
            return;
        }

        if (LastSeenIndex.CodeOfMetric.TryGetValue(metric, out var code))
        {
            var byValue = LastSeenCounts.ByMetric(lastSeen, period, code) ?? new Dictionary<string, long>();
            await DataReply.WriteAsync(api, TotalUsersOutput.Rows(byValue.OrderByDescending(c => c.Value).ThenBy(c => c.Key, StringComparer.Ordinal)));
            return;
        }

        await DataReply.WriteAsync(api, TotalUsersOutput.Users(LastSeenCounts.Users(lastSeen, period)));
    }

    private Task<IReadOnlyList<(int Year, CounterSnapshot Snapshot)>> LastSeenAsync(string appId, IEnumerable<Period> periods)
    {
        var months = periods.SelectMany(p => p.CurrentDays).Select(d => (d.Year, d.Month)).Distinct().ToList();
        return counters.ReadAsync(appId, Collections.LastSeen, months.Select(m => m.Year), y => months.Where(m => m.Year == y).Select(m => Num.S(m.Month)).ToArray());
    }
}
