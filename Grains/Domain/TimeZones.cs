using System.Collections.Concurrent;

namespace Analytics.Grains.Domain;

/// <summary>Cached IANA time-zone lookups; Countly's default app zone is <c>Europe/Istanbul</c>.</summary>
public static class TimeZones
{
    /// <summary>Countly's default app time zone.</summary>
    public const string Default = "Europe/Istanbul";

    private static readonly ConcurrentDictionary<string, TimeZoneInfo?> Cache = new(StringComparer.Ordinal);

    /// <summary>The zone with IANA id <paramref name="id"/>, or null when unknown.</summary>
    public static TimeZoneInfo? Find(string? id)
    {
        if (string.IsNullOrWhiteSpace(id) || id.Length > 64)
        {
            return null;
        }

        return Cache.GetOrAdd(id, static key =>
        {
            try
            {
                var zone = TimeZoneInfo.FindSystemTimeZoneById(key);
                return zone.HasIanaId || TimeZoneInfo.TryConvertWindowsIdToIanaId(key, out _) ? zone : null;
            }
            catch (TimeZoneNotFoundException)
            {
                return null;
            }
            catch (InvalidTimeZoneException)
            {
                return null;
            }
        });
    }

    /// <summary>
    /// The IANA name of the zone <paramref name="id"/> names, or null when unknown: a Windows
    /// name (which .NET also accepts) becomes its IANA equivalent, so an app stores the form its
    /// readers and Countly's dashboard expect.
    /// </summary>
    public static string? IanaIdOf(string? id)
    {
        if (Find(id) is not { } zone)
        {
            return null;
        }

        return zone.HasIanaId ? zone.Id : TimeZoneInfo.TryConvertWindowsIdToIanaId(id!, out var iana) ? iana : null;
    }

    /// <summary>The zone with id <paramref name="id"/>, falling back to the default zone.</summary>
    public static TimeZoneInfo Get(string? id) => Find(id) ?? Find(Default) ?? TimeZoneInfo.Utc;
}
