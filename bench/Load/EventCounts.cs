namespace Analytics.Bench.Load;

/// <summary>An event's expected count and sum (exact decimals).</summary>
public sealed class EventCounts
{
    /// <summary>Count.</summary>
    public long C { get; set; }

    /// <summary>Sum.</summary>
    public decimal S { get; set; }
}
