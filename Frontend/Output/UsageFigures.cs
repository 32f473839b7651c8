using System.Text.Json.Nodes;

namespace Analytics.Frontend.Output;

/// <summary>The users-collection numbers the dashboard compares: sessions, new, unique, duration, requests.</summary>
internal sealed class UsageFigures
{
    /// <summary>Sessions.</summary>
    public double T { get; set; }

    /// <summary>New users.</summary>
    public double N { get; set; }

    /// <summary>Unique users.</summary>
    public double U { get; set; }

    /// <summary>Session duration, seconds.</summary>
    public double D { get; set; }

    /// <summary>Requests.</summary>
    public double E { get; set; }

    /// <summary>The numbers of one time-object bucket (missing: zeros).</summary>
    public static UsageFigures Of(JsonObject? obj) => new()
    {
        T = TimeObjectPath.Number(obj, "t"),
        N = TimeObjectPath.Number(obj, "n"),
        U = TimeObjectPath.Number(obj, "u"),
        D = TimeObjectPath.Number(obj, "d"),
        E = TimeObjectPath.Number(obj, "e"),
    };

    /// <summary>The summed non-unique numbers of <paramref name="days"/>; <see cref="U"/> is left 0 (uniques do not add up).</summary>
    public static UsageFigures SumOfDays(JsonObject users, IEnumerable<DateOnly> days)
    {
        var sum = new UsageFigures();
        foreach (var day in days)
        {
            var obj = TimeObjectPath.Object(users, CountlyDates.DayKey(day));
            sum.T += TimeObjectPath.Number(obj, "t");
            sum.N += TimeObjectPath.Number(obj, "n");
            sum.D += TimeObjectPath.Number(obj, "d");
            sum.E += TimeObjectPath.Number(obj, "e");
        }

        return sum;
    }
}
