using System.Security.Cryptography;
using System.Text;

namespace Analytics.Grains.Counters;

/// <summary>
/// Countly's value limits, applied when increments reach a counter grain: at most
/// <see cref="MetricValuesPerShard"/> distinct values per metric set and per storage shard
/// (the first base64 character of md5(value)), at most <see cref="SegmentKeysPerEvent"/>
/// segment keys per event and <see cref="SegmentValuesPerShard"/> values per segment key and
/// shard. New values beyond a limit are dropped with their increments, never an error.
/// </summary>
public static class CounterLimits
{
    /// <summary>Countly's <c>metric_limit</c>.</summary>
    public const int MetricValuesPerShard = 1000;

    /// <summary>Countly's <c>event_segmentation_limit</c>.</summary>
    public const int SegmentKeysPerEvent = 100;

    /// <summary>Countly's <c>event_segmentation_value_limit</c>.</summary>
    public const int SegmentValuesPerShard = 1000;

    /// <summary>Countly's storage shard of a value: the first base64 character of md5(value).</summary>
    public static char Shard(string value)
    {
        Span<byte> hash = stackalloc byte[16];
        MD5.HashData(Encoding.UTF8.GetBytes(value), hash);
        // The first base64 character encodes the top 6 bits of the first byte.
        const string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
        return alphabet[hash[0] >> 2];
    }

    /// <summary>The value component of a metric or segment path (<c>…value.prop</c>).</summary>
    public static string? ValueOf(string path)
    {
        var last = path.LastIndexOf('.');
        if (last <= 0)
        {
            return null;
        }

        var previous = path.LastIndexOf('.', last - 1);
        return path.Substring(previous + 1, last - previous - 1);
    }
}
