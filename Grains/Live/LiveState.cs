namespace Analytics.Grains.Live;

/// <summary>Persisted part of <see cref="LiveGrain"/> (the <c>live</c> table): the all-time maxima and the last reset.</summary>
public sealed class LiveState
{
    /// <summary>Highest online count since the last reset.</summary>
    public long MaxOnline { get; set; }
    /// <summary>Highest count of online devices in their first session since the last reset.</summary>
    public long MaxNewOnline { get; set; }
    /// <summary>Unix ms of the last reset (0: never); devices last active before it are not online.</summary>
    public long ResetAt { get; set; }
}
