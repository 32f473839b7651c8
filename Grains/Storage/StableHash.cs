namespace Analytics.Grains.Storage;

/// <summary>A process-independent 64-bit FNV-1a hash (string.GetHashCode is randomised per process).</summary>
public static class StableHash
{
    /// <summary>Hash of the UTF-16 code units of <paramref name="value"/>.</summary>
    public static ulong Of(ReadOnlySpan<char> value)
    {
        var hash = 14695981039346656037UL;
        foreach (var c in value)
        {
            hash ^= c;
            hash *= 1099511628211UL;
        }

        return hash;
    }
}
