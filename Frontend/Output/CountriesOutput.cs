using System.Text.Json.Nodes;

namespace Analytics.Frontend.Output;

/// <summary>
/// <c>/o/analytics/countries</c> (spec §4.7, Countly's <c>getLocationData</c> with
/// <c>maxCountries: 10, sort: "new"</c>) from the merged users time object:
/// <c>{"30days":[…],"7days":[…],"today":[…]}</c>, each row
/// <c>{"country","code","t","u","n"}</c>.
/// </summary>
public static class CountriesOutput
{
    private const int MaxCountries = 10;

    /// <summary>The three sections Countly always answers (the endpoint ignores <c>period</c>).</summary>
    public static IReadOnlyList<CountryPeriod> Periods(TimeZoneInfo zone, long nowMs) =>
    [
        new CountryPeriod(Period.Default, Period.Parse(Period.Default, zone, nowMs)),
        new CountryPeriod("7days", Period.Parse("7days", zone, nowMs)),
        new CountryPeriod("today", Period.Parse("hour", zone, nowMs)),
    ];

    /// <summary>Builds the countries object, one array per section.</summary>
    public static JsonObject Build(JsonObject users, IReadOnlyList<CountryPeriod> periods)
    {
        var output = new JsonObject();
        foreach (var section in periods)
        {
            output[section.Key] = Rows(users, section.Period, section.ExactUsers);
        }

        return output;
    }

    private static JsonArray Rows(JsonObject users, Period period, IReadOnlyDictionary<string, long>? exact)
    {
        var rows = new List<(string Code, double T, double U, double N)>();
        foreach (var code in Bars.MetaValues(users, "countries"))
        {
            if (period.IsSpecial)
            {
                var found = false;
                double t = 0, n = 0;
                foreach (var obj in Bars.ValueObjects(users, code, period))
                {
                    found = true;
                    t += TimeObjectPath.Number(obj, "t");
                    n += TimeObjectPath.Number(obj, "n");
                }

                if (!found)
                {
                    continue;
                }

                double u = exact is not null && exact.TryGetValue(code, out var counted) ? counted : UniqueEstimate(users, code, period);
                if (u < n)
                {
                    u = n;
                }

                if (u > t)
                {
                    u = t;
                }

                rows.Add((code, t, u, n));
            }
            else
            {
                // One day: the day object's own numbers; rows summing to 0 are left out.
                var obj = Bars.ValueObjects(users, code, period).FirstOrDefault();
                var (t, u, n) = (TimeObjectPath.Number(obj, "t"), TimeObjectPath.Number(obj, "u"), TimeObjectPath.Number(obj, "n"));
                if (obj is not null && t + u + n > 0)
                {
                    rows.Add((code, t, u, n));
                }
            }
        }

        var top = rows.OrderByDescending(r => r.U).Take(MaxCountries).OrderByDescending(r => r.N);
        var array = new JsonArray();
        foreach (var (code, t, u, n) in top)
        {
            array.Add(new JsonObject
            {
                ["country"] = CountryNames.Of(code),
                ["code"] = code.ToLowerInvariant(),
                ["t"] = JsonValue.Create((decimal)t),
                ["u"] = JsonValue.Create((decimal)u),
                ["n"] = JsonValue.Create((decimal)n),
            });
        }

        return array;
    }

    private static double UniqueEstimate(JsonObject users, string code, Period period)
    {
        static double Sum(JsonObject users, string code, IReadOnlyList<string> ticks) =>
            ticks.Sum(t => TimeObjectPath.Number(TimeObjectPath.Object(users, t)?[code] as JsonObject, "u"));

        var sum = Sum(users, code, period.UniqueTicks);
        var check = Sum(users, code, period.UniqueCheckTicks);
        return sum > check ? check : sum;
    }
}
