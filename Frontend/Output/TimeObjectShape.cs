using Analytics.Grains;
using Analytics.Grains.Domain;

namespace Analytics.Frontend.Output;

/// <summary>
/// How one collection's counter documents map onto Countly's time object: which documents hold
/// month data, whether day objects contain hour objects (so they must not be summed), whether a
/// zero document with year/month/week uniques exists, and which zero props an
/// <c>action=refresh</c> read returns.
/// </summary>
public sealed class TimeObjectShape
{
    private const string ZeroDocId = "0";

    private readonly string _monthPrefix;
    private readonly string[] _refreshZeroProps;

    private TimeObjectShape(string monthPrefix, bool hasHours, bool readsZero, string[] refreshZeroProps)
    {
        _monthPrefix = monthPrefix;
        HasHours = hasHours;
        ReadsZero = readsZero;
        _refreshZeroProps = refreshZeroProps;
    }

    /// <summary>The users collection (sessions, users, locations): hours inside days; refresh keeps <c>u</c>, <c>f</c>, <c>l</c> uniques.</summary>
    public static TimeObjectShape Users { get; } = new(string.Empty, hasHours: true, readsZero: true, ["u", "f", "l"]);

    /// <summary>A metric collection (device_details, devices, carriers, cities, langs, density): per-value objects, no hours.</summary>
    public static TimeObjectShape Metric { get; } = new(string.Empty, hasHours: false, readsZero: true, ["u"]);

    /// <summary>Whether day objects contain hour objects.</summary>
    public bool HasHours { get; }

    /// <summary>Whether the collection has a zero document (events keep only meta there).</summary>
    public bool ReadsZero { get; }

    /// <summary>An event collection: plain counts, or the per-value counts of segment <paramref name="segmentation"/>.</summary>
    public static TimeObjectShape Event(string? segmentation) =>
        string.IsNullOrEmpty(segmentation) || segmentation == EventRules.NoSegment
            ? new(EventRules.NoSegment + "|", hasHours: true, readsZero: false, [])
            : new(segmentation + "|", hasHours: false, readsZero: false, []);

    /// <summary>The shape of a non-event collection named as in <see cref="Collections"/>.</summary>
    public static TimeObjectShape For(string collection) => collection == Collections.Users ? Users : Metric;

    /// <summary>The counter document id of month <paramref name="month"/>.</summary>
    public string MonthDoc(int month) => _monthPrefix + Num.S(month);

    /// <summary>The zero document id, when the collection has one.</summary>
    public string? ZeroDoc => ReadsZero ? ZeroDocId : null;

    /// <summary>The document ids to read from a year's counter grain for <paramref name="months"/> (zero document first).</summary>
    public string[] DocIds(IEnumerable<int> months)
    {
        var ids = months.Select(MonthDoc);
        return (ReadsZero ? ids.Prepend(ZeroDocId) : ids).ToArray();
    }

    /// <summary>Whether a zero-document path is returned by <c>action=refresh</c> in month <paramref name="month"/>.</summary>
    internal bool IsRefreshZeroPath(string path, string month)
    {
        var rest = path.AsSpan();
        if (rest.StartsWith(month, StringComparison.Ordinal) && rest.Length > month.Length && rest[month.Length] == '.')
        {
            rest = rest[(month.Length + 1)..];
        }
        else if (path.Contains('.', StringComparison.Ordinal) && char.IsAsciiDigit(path[0]))
        {
            return false;
        }

        foreach (var prop in _refreshZeroProps)
        {
            if (rest.Equals(prop, StringComparison.Ordinal)
                || (rest.Length > prop.Length && rest.StartsWith(prop, StringComparison.Ordinal) && rest[prop.Length] == '.'))
            {
                return true;
            }
        }

        return false;
    }
}
