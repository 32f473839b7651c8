namespace Analytics.Bench.Load;

/// <summary>A tiny deterministic generator (SplitMix64): the same seed, round and device give the same session.</summary>
public struct SplitMix(ulong seed)
{
    private ulong _state = seed;

    /// <summary>A generator for one (seed, round, index) triple.</summary>
    public static SplitMix For(int seed, int round, long index) =>
        new(((ulong)(uint)seed << 40) ^ ((ulong)(uint)round << 32) ^ (ulong)index ^ 0x9E3779B97F4A7C15UL);

    /// <summary>The next 64 random bits.</summary>
    public ulong Next()
    {
        var z = _state += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    /// <summary>A number in [0, <paramref name="max"/>).</summary>
    public int Below(int max) => (int)(Next() % (ulong)max);

    /// <summary>A number in [0, 1).</summary>
    public double Unit() => (Next() >> 11) * (1.0 / (1UL << 53));
}
