using Analytics.Frontend.Http;
using Analytics.Frontend.Ingest;
using Analytics.Frontend.Output;
using Analytics.Grains;
using Analytics.Grains.Counters;
using Analytics.Grains.Domain;

namespace Analytics.Frontend.Handlers;

/// <summary>Fetches the counter documents a read needs from the counter grains (one call per year, in parallel).</summary>
public sealed class CounterReader(IGrainFactory grains)
{
    /// <summary>Snapshots of <paramref name="collection"/> for <paramref name="years"/>, each limited to <paramref name="docsOfYear"/> (all documents when it returns null).</summary>
    public async Task<IReadOnlyList<(int Year, CounterSnapshot Snapshot)>> ReadAsync(string appId, string collection, IEnumerable<int> years, Func<int, string[]?> docsOfYear)
    {
        var list = years.Distinct().OrderBy(y => y).ToList();
        var tasks = list.Select(y => grains.GetGrain<ICounterGrain>(new CounterKey(appId, y, collection).ToString()).ReadAsync(docsOfYear(y))).ToArray();
        var snapshots = await Task.WhenAll(tasks);
        return list.Select((y, i) => (y, snapshots[i])).ToList();
    }

    /// <summary>The time object of <paramref name="collection"/> for <paramref name="period"/> (current and previous period's buckets).</summary>
    public async Task<System.Text.Json.Nodes.JsonObject> TimeObjectAsync(string appId, string collection, Period period)
    {
        var shape = TimeObjectShape.For(collection);
        var years = await ReadAsync(appId, collection, period.Years, y => shape.DocIds(period.MonthsOf(y)));
        return TimeObject.Build(years, shape, period.Months);
    }

    /// <summary>
    /// The whole history of <paramref name="collection"/> (Countly's <c>fullRange</c>): every year
    /// a request may be counted in, whatever the app's creation date (SDKs send past timestamps).
    /// </summary>
    public async Task<System.Text.Json.Nodes.JsonObject> FullRangeAsync(string appId, string collection, LocalTime now)
    {
        var shape = TimeObjectShape.For(collection);
        var years = await ReadAsync(appId, collection, AllYears(now), _ => null);
        return TimeObject.Build(years, shape, null);
    }

    /// <summary>Whether a read asks for Countly's <c>fullRange</c> (which wins over <c>period</c>).</summary>
    public static bool WantsFullRange(ApiContext api) => api.Params.IsTruthy("fullRange") && api.Params.GetString("fullRange") != "false";

    /// <summary>Every year a request may be counted in, up to <paramref name="now"/>'s.</summary>
    public static IEnumerable<int> AllYears(LocalTime now)
    {
        var first = Math.Min(now.Year, SdkValues.EarliestYear);
        return Enumerable.Range(first, now.Year - first + 1);
    }

    /// <summary>Countly's <c>action=refresh</c>: zero-document uniques and today only.</summary>
    public async Task<System.Text.Json.Nodes.JsonObject> RefreshAsync(string appId, string collection, LocalTime now)
    {
        var shape = TimeObjectShape.For(collection);
        var years = await ReadAsync(appId, collection, [now.Year], _ => shape.DocIds([now.Month]));
        return TimeObject.BuildRefresh(years, shape, now);
    }
}
