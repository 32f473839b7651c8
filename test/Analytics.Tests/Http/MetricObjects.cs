using System.Text.Json.Nodes;
using Analytics.Tests.Infrastructure;

namespace Analytics.Tests.Http;

/// <summary>Expected metric time objects (spec §2.2: year/month <c>{v:{u,t,n}}</c>, week <c>{v:{u}}</c>, day <c>{v:{t,n,u}}</c>, no hours).</summary>
public static class MetricObjects
{
    /// <summary>
    /// The object after first sessions of new devices at <paramref name="ms"/>: each value counted
    /// <c>u=t=n=</c> its count at every level, with <paramref name="metaJson"/> as <c>meta</c>.
    /// </summary>
    public static string NewDevices(long ms, IEnumerable<(string Value, int Count)> values, string metaJson, TimeZoneInfo? zone = null)
    {
        var list = values.ToList();
        JsonObject Level(bool week) => new(list.Select(v => KeyValuePair.Create<string, JsonNode?>(v.Value,
            week ? new JsonObject { ["u"] = v.Count } : new JsonObject { ["u"] = v.Count, ["t"] = v.Count, ["n"] = v.Count })));
        var day = Level(week: false);
        var month = Level(week: false);
        month["{D}"] = day;
        var year = Level(week: false);
        year["{W}"] = Level(week: true);
        year["{M}"] = month;
        var root = new JsonObject { ["{Y}"] = year, ["meta"] = JsonNode.Parse(metaJson) };
        return TestTime.Fill(root.ToJsonString(), ms, zone);
    }
}
