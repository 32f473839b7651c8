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

    /// <summary>
    /// Ours: the UTF-8 bytes all meta values of one counter grain may take (with
    /// <see cref="MetaCost"/>'s overhead per value). The meta sets are written in one row of at
    /// most 960 KiB; Countly's per-shard limits allow far more than that (64 shards of 1,000
    /// values of up to 256 characters), so without this bound a client sending long, distinct
    /// segment values could make the grain unable to write at all. New values beyond it are
    /// dropped with their increments, like those beyond the other limits.
    /// </summary>
    public const int MetaBytes = 512 * 1024;

    /// <summary>What one meta value counts against <see cref="MetaBytes"/>.</summary>
    public static int MetaCost(string value) => Encoding.UTF8.GetByteCount(value) + 8;

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
