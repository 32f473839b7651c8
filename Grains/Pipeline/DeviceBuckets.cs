
namespace Analytics.Grains.Pipeline;

/// <summary>Which <see cref="IDeviceBucketGrain"/> holds a device: a stable hash of the device id.</summary>
public static class DeviceBuckets
{
    /// <summary>The bucket grain key of <paramref name="deviceId"/> in app <paramref name="appId"/>.</summary>
    public static string KeyOf(string appId, string deviceId, int buckets) => KeyOf(appId, IndexOf(deviceId, buckets));

    /// <summary>The bucket number (0 .. <paramref name="buckets"/> - 1) of <paramref name="deviceId"/>.</summary>
    public static int IndexOf(string deviceId, int buckets) => (int)(Storage.StableHash.Of(deviceId) % (ulong)Math.Max(1, buckets));

    /// <summary>The grain key of bucket <paramref name="index"/> of app <paramref name="appId"/>.</summary>
    public static string KeyOf(string appId, int index) =>
        string.Concat(appId, ":", index.ToString("x2", System.Globalization.CultureInfo.InvariantCulture));

    /// <summary>Every bucket key of an app.</summary>
    public static IEnumerable<string> AllOf(string appId, int buckets) =>
        Enumerable.Range(0, Math.Max(1, buckets)).Select(b => KeyOf(appId, b));
}
