using System.Text.Json.Nodes;

namespace Analytics.Frontend.Output;

/// <summary>
/// The dashboard's <c>top</c> lists (spec §4.4): metric bars (sessions per value of a meta set,
/// one-decimal percents of all values that sum to 100, top 3) and the top time buckets by sessions.
/// </summary>
internal static class Bars
{
    private const int MaxItems = 3;

    /// <summary>
    /// Bars of meta set <paramref name="set"/> of <paramref name="db"/> over <paramref name="period"/>:
    /// value = Σ t, zero values dropped, sorted by value (ties keep meta order), percent of all values
    /// rounded to one decimal with the rounding remainder given to the first (or taken from the last)
    /// item, top 3 kept.
    /// </summary>
    public static JsonArray Metric(JsonObject db, string set, Period period, Func<string, string> displayName)
    {
        var rows = new List<(string Name, double Value)>();
        foreach (var value in MetaValues(db, set))
        {
            var total = 0d;
            var found = false;
            foreach (var obj in ValueObjects(db, value, period))
            {
                found = true;
                total += TimeObjectPath.Number(obj, "t");
            }

            if (found && total != 0)
            {
                rows.Add((displayName(value), total));
            }
        }

        // Stable: equal values keep the meta (storage shard) order, as Countly's _.sortBy does.
        var sorted = rows.OrderByDescending(r => r.Value).ToList();
        var percents = Percents(sorted.Select(r => r.Value).ToList());
        var bars = new JsonArray();
        for (var i = 0; i < Math.Min(MaxItems, sorted.Count); i++)
        {
            bars.Add(new JsonObject
            {
                ["name"] = sorted[i].Name,
                ["value"] = JsonValue.Create((decimal)sorted[i].Value),
                ["percent"] = JsonValue.Create(percents[i]),
            });
        }

        return bars;
    }

    /// <summary>
    /// Countly's <c>top.users</c>: the 3 days (hours for one-day periods, months for <c>month</c>) with
    /// the most sessions, labelled like the period's chart points, with the same one-decimal percents
    /// as the metric bars: shares of the sessions of every bucket of the period, not only of those three.
    /// </summary>
    public static JsonArray TopTimeBuckets(JsonObject users, Period period)
    {
        // Stable: equal buckets keep chronological order, as Countly's _.sortBy does.
        var points = TimePoints(users, period)
            .Select(p => (p.Label, Value: TimeObjectPath.Number(p.Obj, "t")))
            .Where(p => p.Value != 0)
            .OrderByDescending(p => p.Value)
            .ToList();
        var percents = Percents(points.Select(p => p.Value).ToList());
        var bars = new JsonArray();
        for (var i = 0; i < Math.Min(MaxItems, points.Count); i++)
        {
            bars.Add(new JsonObject
            {
                ["name"] = points[i].Label,
                ["value"] = JsonValue.Create((decimal)points[i].Value),
                ["percent"] = JsonValue.Create(percents[i]),
            });
        }

        return bars;
    }

    /// <summary>
    /// Countly's bar percents of <paramref name="sorted"/> (descending): each value's share of their sum
    /// rounded to one decimal, added up from the last, then its <c>fixPercentageDelta</c>: a total under
    /// 100 is made up on the first item, one over 100 taken from the last.
    /// </summary>
    private static double[] Percents(IReadOnlyList<double> sorted)
    {
        var sum = sorted.Sum();
        var percents = new double[sorted.Count];
        var totalPercent = 0d;
        for (var i = sorted.Count - 1; i >= 0; i--)
        {
            percents[i] = JsNumber.Round(sorted[i] / sum * 100, 1);
            totalPercent += percents[i];
        }

        if (sorted.Count > 0)
        {
            var fix = totalPercent > 100 ? sorted.Count - 1 : 0;
            percents[fix] = JsNumber.Round(percents[fix] + (100 - totalPercent), 1);
        }

        return percents;
    }

    /// <summary>The values of meta set <paramref name="set"/>.</summary>
    internal static IEnumerable<string> MetaValues(JsonObject db, string set)
    {
        if (db["meta"] is JsonObject meta && meta[set] is JsonArray values)
        {
            foreach (var node in values)
            {
                if (node is JsonValue v && v.TryGetValue<string>(out var s))
                {
                    yield return s;
                }
            }
        }
    }

    /// <summary>The objects of value <paramref name="value"/> in the period: each current day's, or the active object's.</summary>
    internal static IEnumerable<JsonObject> ValueObjects(JsonObject db, string value, Period period)
    {
        if (period.IsSpecial)
        {
            foreach (var day in period.CurrentDays)
            {
                if (TimeObjectPath.Object(db, CountlyDates.DayKey(day))?[value] is JsonObject obj)
                {
                    yield return obj;
                }
            }
        }
        else if (TimeObjectPath.Object(db, period.ActiveKey!)?[value] is JsonObject active)
        {
            yield return active;
        }
    }

    /// <summary>The chart points of <paramref name="period"/> (Countly's <c>extractChartData</c>) with their labels.</summary>
    private static IEnumerable<(string Label, JsonObject? Obj)> TimePoints(JsonObject db, Period period)
    {
        var today = period.Now.Date;
        switch (period.Kind)
        {
            case PeriodKind.Special:
                foreach (var day in period.CurrentDays)
                {
                    yield return (CountlyDates.DayMonth(day), TimeObjectPath.Object(db, CountlyDates.DayKey(day)));
                }

                break;
            case PeriodKind.Day:
                var dayObj = TimeObjectPath.Object(db, period.ActiveKey!);
                for (var hour = 0; hour < 24; hour++)
                {
                    var time = hour.ToString("00", System.Globalization.CultureInfo.InvariantCulture) + ":00";
                    var label = period.Label == PeriodLabel.HourMinute ? time : CountlyDates.DayMonth(period.CurrentDays[0]) + ", " + time;
                    yield return (label, dayObj?[hour.ToString(System.Globalization.CultureInfo.InvariantCulture)] as JsonObject);
                }

                break;
            case PeriodKind.Month:
                var monthObj = TimeObjectPath.Object(db, period.ActiveKey!);
                for (var day = 1; day <= CountlyDates.DaysInMonth(today); day++)
                {
                    yield return (CountlyDates.DayMonth(new DateOnly(today.Year, today.Month, day)), monthObj?[day.ToString(System.Globalization.CultureInfo.InvariantCulture)] as JsonObject);
                }

                break;
            case PeriodKind.Year:
                var yearObj = TimeObjectPath.Object(db, period.ActiveKey!);
                for (var month = 1; month <= 12; month++)
                {
                    yield return (CountlyDates.MonthName(month), yearObj?[month.ToString(System.Globalization.CultureInfo.InvariantCulture)] as JsonObject);
                }

                break;
        }
    }
}
