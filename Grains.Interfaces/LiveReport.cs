namespace Analytics.Grains;

/// <summary>One silo's live numbers for one app since its previous report.</summary>
[GenerateSerializer, Immutable, Alias("Analytics.LiveReport")]
public sealed record class LiveReport
{
    /// <summary>The reporting silo (its journal id).</summary>
    [Id(0)] public required string Source { get; init; }
    /// <summary>Devices of the app with an open session active within the online window, on that silo.</summary>
    [Id(1)] public int Online { get; init; }
    /// <summary>Of those, devices in their first session ever.</summary>
    [Id(2)] public int NewOnline { get; init; }
    /// <summary>Per-minute increments since the previous report.</summary>
    [Id(3)] public IReadOnlyList<LiveMinute> Minutes { get; init; } = [];
    /// <summary>Unix ms when the report was made.</summary>
    [Id(4)] public long At { get; init; }
    /// <summary>The app's last reset the silo knew of (the live grain's previous answer): devices active before it are not counted.</summary>
    [Id(5)] public long KnownResetAt { get; init; }
}

/// <summary>Counts of one minute (start in Unix ms).</summary>
[GenerateSerializer, Immutable, Alias("Analytics.LiveMinute")]
public sealed record class LiveMinute
{
    /// <summary>Start of the minute, Unix ms.</summary>
    [Id(0)] public long Time { get; init; }
    /// <summary>Sessions begun (counted begins).</summary>
    [Id(1)] public long Sessions { get; init; }
    /// <summary>Requests.</summary>
    [Id(2)] public long Requests { get; init; }
    /// <summary>Event occurrences (sum of counts).</summary>
    [Id(3)] public long Events { get; init; }
    /// <summary>Highest online count sampled in the minute.</summary>
    [Id(4)] public long Online { get; init; }
    /// <summary>Highest new-online count sampled in the minute.</summary>
    [Id(5)] public long NewOnline { get; init; }
}

/// <summary>Current and peak online users (Countly Enterprise <c>method=live</c>).</summary>
[GenerateSerializer, Immutable, Alias("Analytics.LiveNow")]
public sealed record class LiveNow
{
    /// <summary>Users online now.</summary>
    [Id(0)] public long Online { get; init; }
    /// <summary>New users online now.</summary>
    [Id(1)] public long NewOnline { get; init; }
    /// <summary>All-time maximum of <see cref="Online"/>.</summary>
    [Id(2)] public long MaxOnline { get; init; }
    /// <summary>All-time maximum of <see cref="NewOnline"/>.</summary>
    [Id(3)] public long MaxNewOnline { get; init; }
}
