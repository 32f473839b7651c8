namespace Analytics.Grains.Counters;

/// <summary>The key of a counter grain: <c>{appId}|{year}|{collection}</c> (the collection last, as event keys may hold anything).</summary>
public readonly record struct CounterKey(string AppId, int Year, string Collection)
{
    /// <summary>The grain key string.</summary>
    public override string ToString() => string.Concat(AppId, "|", Year.ToString(System.Globalization.CultureInfo.InvariantCulture), "|", Collection);

    /// <summary>Parses a grain key.</summary>
    public static CounterKey Parse(string key)
    {
        var first = key.IndexOf('|');
        var second = key.IndexOf('|', first + 1);
        return new CounterKey(key[..first], int.Parse(key.AsSpan(first + 1, second - first - 1), System.Globalization.CultureInfo.InvariantCulture), key[(second + 1)..]);
    }
}
