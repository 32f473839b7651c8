using System.Text.Json.Nodes;

namespace Analytics.Frontend.Output;

/// <summary>
/// <c>/o/analytics/dashboard</c> (spec §4) computed from the merged <c>users</c>,
/// <c>device_details</c> and <c>carriers</c> time objects: per section the session, user, time and
/// request numbers with their change against the previous period, the top bars, and the period string.
/// </summary>
public static class DashboardOutput
{
    private const string TodayKey = "today";

    /// <summary>
    /// The sections for request parameter <paramref name="period"/>: <c>30days</c>, <c>7days</c> and
    /// <c>today</c> by default (and for <c>30days</c>), else just the requested period under its own name.
    /// </summary>
    /// <returns>False when <paramref name="period"/> is invalid (400 <see cref="Period.BadRequestMessage"/>).</returns>
    public static bool TryGetPeriods(string? period, TimeZoneInfo zone, long nowMs, out IReadOnlyList<DashboardPeriod> periods)
    {
        periods = [];
        if (string.IsNullOrEmpty(period) || period == Period.Default)
        {
            periods =
            [
                new DashboardPeriod(Period.Default, Period.Parse(Period.Default, zone, nowMs)),
                new DashboardPeriod("7days", Period.Parse("7days", zone, nowMs)),
                new DashboardPeriod(TodayKey, Period.Parse("hour", zone, nowMs)),
            ];
            return true;
        }

        if (!Period.TryParse(period, zone, nowMs, out var single))
        {
            return false;
        }

        periods = [new DashboardPeriod(single.Name, single)];
        return true;
    }

    /// <summary>
    /// The period whose months the dashboard loads. Countly loads the 30-day objects (with their
    /// previous 30 days) for every section; a single period whose buckets, or its previous
    /// period's, lie outside them loads its own: a past range, a longer period, or this year's
    /// months in January, compared with last year's.
    /// </summary>
    public static Period PeriodToLoad(IReadOnlyList<DashboardPeriod> periods, Period thirtyDays) =>
        periods.Count == 1 && !periods[0].Period.Months.All(thirtyDays.Months.Contains) ? periods[0].Period : thirtyDays;

    /// <summary>Builds the dashboard object, one key per section.</summary>
    public static JsonObject Build(JsonObject users, JsonObject deviceDetails, JsonObject carriers, IReadOnlyList<DashboardPeriod> periods)
    {
        var output = new JsonObject();
        foreach (var section in periods)
        {
            output[section.Key] = new JsonObject
            {
                ["dashboard"] = Numbers(users, section.Period, section.ExactUsers),
                ["top"] = new JsonObject
                {
                    ["platforms"] = Bars.Metric(deviceDetails, "os", section.Period, DeviceDetailName),
                    ["resolutions"] = Bars.Metric(deviceDetails, "resolutions", section.Period, DeviceDetailName),
                    ["carriers"] = Bars.Metric(carriers, "carriers", section.Period, static v => v),
                    ["users"] = Bars.TopTimeBuckets(users, section.Period),
                },
                ["period"] = section.Period.DateRange,
            };
        }

        return output;
    }

    /// <summary>The <c>dashboard</c> object of one section (Countly's <c>getSessionData</c> over <c>getDashboardData</c>).</summary>
    internal static JsonObject Numbers(JsonObject users, Period period, long? exactUsers)
    {
        var (current, previous) = Totals(users, period);
        var isEstimate = period.IsSpecial;
        var overridden = exactUsers is > 0;
        if (overridden)
        {
            current.U = exactUsers!.Value;
        }

        // Total users can't be less than new users, nor more than sessions.
        if (current.U < current.N)
        {
            if (overridden)
            {
                current.N = current.U;
            }
            else
            {
                current.U = current.N;
            }
        }

        if (current.U > current.T)
        {
            current.U = current.T;
        }

        if (overridden)
        {
            isEstimate = false;
        }

        var durationMinutes = current.D / 60;
        var previousMinutes = previous.D / 60;
        var avgTime = current.T == 0 ? 0 : durationMinutes / current.T;
        var previousAvgTime = previous.T == 0 ? 0 : previousMinutes / previous.T;
        var avgRequests = current.U == 0 ? 0 : current.E / current.U;
        var previousAvgRequests = previous.U == 0 ? 0 : previous.E / previous.U;

        var totalUsers = Entry(Count(current.U), previous.U, current.U);
        totalUsers["is_estimate"] = isEstimate;
        return new JsonObject
        {
            ["total_sessions"] = Entry(Count(current.T), previous.T, current.T),
            ["total_users"] = totalUsers,
            ["new_users"] = Entry(Count(current.N), previous.N, current.N),
            ["total_time"] = Entry(CountlyFormat.TimeString(durationMinutes), previous.D, current.D),
            ["avg_time"] = Entry(CountlyFormat.TimeString(avgTime), previousAvgTime, avgTime),
            ["avg_requests"] = Entry(JsNumber.ToFixed(avgRequests, 1), previousAvgRequests, avgRequests),
        };
    }

    private static (UsageFigures Current, UsageFigures Previous) Totals(JsonObject users, Period period)
    {
        if (!period.IsSpecial)
        {
            return (UsageFigures.Of(TimeObjectPath.Object(users, period.ActiveKey!)), UsageFigures.Of(TimeObjectPath.Object(users, period.PreviousKey!)));
        }

        var current = UsageFigures.SumOfDays(users, period.CurrentDays);
        var previous = UsageFigures.SumOfDays(users, period.PreviousDays);
        current.U = UniqueEstimate(users, period.UniqueTicks, period.UniqueCheckTicks);
        previous.U = UniqueEstimate(users, period.PreviousUniqueTicks, period.PreviousUniqueCheckTicks);
        return (current, previous);
    }

    /// <summary>Σ u over the exact ticks, capped by Σ u over the coarser check ticks.</summary>
    internal static double UniqueEstimate(JsonObject users, IReadOnlyList<string> ticks, IReadOnlyList<string> checkTicks)
    {
        var sum = ticks.Sum(t => TimeObjectPath.Number(TimeObjectPath.Object(users, t), "u"));
        var check = checkTicks.Sum(t => TimeObjectPath.Number(TimeObjectPath.Object(users, t), "u"));
        return sum > check ? check : sum;
    }

    private static JsonObject Entry(JsonNode? total, double previous, double current)
    {
        var (change, trend) = CountlyFormat.PercentChange(previous, current);
        return new JsonObject { ["total"] = total, ["change"] = change, ["trend"] = trend };
    }

    private static JsonValue Count(double value) => JsonValue.Create((decimal)value);

    // device_details values are stored with '.' turned into ':' (spec §1.9); bars show them back with dots.
    private static string DeviceDetailName(string value) => value.Replace(':', '.');
}
