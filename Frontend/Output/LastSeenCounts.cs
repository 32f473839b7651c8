using Analytics.Grains;
using Analytics.Grains.Domain;

namespace Analytics.Frontend.Output;

/// <summary>
/// Exact user counts for a period from the <see cref="Collections.LastSeen"/> index (devices by
/// the day of their last session, see <see cref="LastSeenIndex"/>): Countly's <c>total_users</c>
/// query "users whose <c>ls</c> is in the period", which overrides the dashboard's estimate.
/// Like Countly, the count is only made for periods that contain today: for a past period the
/// users seen since then have moved out of it, so the number would be wrong.
/// </summary>
public static class LastSeenCounts
{
    /// <summary>Users whose last session falls on one of <paramref name="period"/>'s days; null when the period does not contain today.</summary>
    public static long? Users(IReadOnlyList<(int Year, CounterSnapshot Snapshot)> lastSeen, Period period)
    {
        if (!period.ContainsToday)
        {
            return null;
        }

        var total = 0m;
        foreach (var (doc, day) in DayDocs(lastSeen, period))
        {
            total += doc.GetValueOrDefault(day);
        }

        return (long)Math.Max(0, total);
    }

    /// <summary>The same count by stored country code (countries with none left out); null when the period does not contain today.</summary>
    public static IReadOnlyDictionary<string, long>? ByCountry(IReadOnlyList<(int Year, CounterSnapshot Snapshot)> lastSeen, Period period)
    {
        if (!period.ContainsToday)
        {
            return null;
        }

        var counts = new Dictionary<string, decimal>(StringComparer.Ordinal);
        foreach (var (doc, day) in DayDocs(lastSeen, period))
        {
            var prefix = day + ".";
            foreach (var (path, value) in doc)
            {
                // {day}.{country}; the metric values' paths have one more part.
                if (path.StartsWith(prefix, StringComparison.Ordinal) && path.IndexOf('.', prefix.Length) < 0)
                {
                    var country = path[prefix.Length..];
                    counts[country] = counts.GetValueOrDefault(country) + value;
                }
            }
        }

        return counts.Where(c => c.Value > 0).ToDictionary(c => c.Key, c => (long)c.Value, StringComparer.Ordinal);
    }

    /// <summary>
    /// The same count by the value of one metric (<paramref name="code"/>, a
    /// <see cref="LastSeenIndex.MetricCodes"/> code or <see cref="LastSeenIndex.CityCode"/>); devices
    /// without a value for it are left out; null when the period does not contain today.
    /// </summary>
    public static IReadOnlyDictionary<string, long>? ByMetric(IReadOnlyList<(int Year, CounterSnapshot Snapshot)> lastSeen, Period period, string code)
    {
        if (!period.ContainsToday)
        {
            return null;
        }

        var counts = new Dictionary<string, decimal>(StringComparer.Ordinal);
        foreach (var (doc, day) in DayDocs(lastSeen, period))
        {
            var prefix = string.Concat(day, ".", code, ".");
            foreach (var (path, value) in doc)
            {
                if (path.StartsWith(prefix, StringComparison.Ordinal))
                {
                    // Never below zero on a day: a device counted before the index kept its
                    // values leaves a -1 where it moves from, which no +1 balances.
                    var key = path[prefix.Length..];
                    counts[key] = counts.GetValueOrDefault(key) + Math.Max(0, value);
                }
            }
        }

        return counts.Where(c => c.Value > 0).ToDictionary(c => c.Key, c => (long)c.Value, StringComparer.Ordinal);
    }

    private static IEnumerable<(IReadOnlyDictionary<string, decimal> Doc, string Day)> DayDocs(IReadOnlyList<(int Year, CounterSnapshot Snapshot)> lastSeen, Period period)
    {
        foreach (var day in period.CurrentDays)
        {
            foreach (var (year, snapshot) in lastSeen)
            {
                if (year == day.Year && snapshot.Docs.TryGetValue(Num.S(day.Month), out var doc))
                {
                    yield return (doc, Num.S(day.Day));
                }
            }
        }
    }
}
