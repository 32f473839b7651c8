namespace Analytics.Grains.Domain;

/// <summary>
/// Countly's device-id change with merge (<c>old_device_id</c>; its <c>appUsers.merge</c> and
/// <c>mergeUserProperties</c>) on our device states: the new device takes the old one's
/// history, the old one is emptied, and the last-seen index counts the pair once
/// (docs/write-path.md, "Device-id merges").
/// </summary>
public static class DeviceMerge
{
    /// <summary>
    /// Merges <paramref name="old"/> (the state the old device gave up) into <paramref name="state"/>:
    /// session count and total duration add up, first seen is the earlier, last seen and the last
    /// begin and end the later; the device seen last provides the current session and anything the
    /// other lacks fills in. Retention bits go with the earlier first session (their cohort).
    /// </summary>
    public static void In(DeviceState state, DeviceState old, TimeZoneInfo zone, ICounterSink sink)
    {
        if (old.Epoch < state.Epoch || (!old.HasBegun && old.Pending is not { Count: > 0 }))
        {
            // Nothing to take (or only what an app reset since has deleted).
            return;
        }

        // The pair is counted once, at the merged last session; the old device uncounts itself.
        LastSeenIndex.Count(state, -1, zone, sink);

        var oldIsNewer = !state.HasBegun || state.LastSeen < old.LastSeen;
        var (newer, older) = oldIsNewer ? (old, state) : (state, old);
        var earlier = !state.HasBegun || (old.HasBegun && old.FirstSeen < state.FirstSeen) ? old : state;

        var merged = new Merged
        {
            FirstSeen = earlier.FirstSeen,
            LastSeen = Math.Max(state.LastSeen, old.LastSeen),
            LastBegin = Math.Max(state.LastBegin, old.LastBegin),
            LastEnd = Math.Max(state.LastEnd, old.LastEnd),
            SessionCount = state.SessionCount + old.SessionCount,
            TotalDuration = state.TotalDuration + old.TotalDuration,
            SessionDuration = newer.SessionDuration,
            HasOngoingSession = newer.HasOngoingSession || older.HasOngoingSession,
            Country = newer.Country ?? older.Country,
            City = newer.City ?? older.City,
            Retention = (earlier.RetentionDays, earlier.RetentionWeeks, earlier.RetentionMonths),
        };

        for (var i = 0; i < state.MetricValues.Length; i++)
        {
            state.MetricValues[i] = newer.MetricValues[i] ?? older.MetricValues[i];
        }

        state.FirstSeen = merged.FirstSeen;
        state.LastSeen = merged.LastSeen;
        state.LastBegin = merged.LastBegin;
        state.LastEnd = merged.LastEnd;
        state.SessionCount = merged.SessionCount;
        state.TotalDuration = merged.TotalDuration;
        state.SessionDuration = merged.SessionDuration;
        state.HasOngoingSession = merged.HasOngoingSession;
        state.Country = merged.Country;
        state.City = merged.City;
        (state.RetentionDays, state.RetentionWeeks, state.RetentionMonths) = merged.Retention;
        state.LastActive = Math.Max(state.LastActive, old.LastActive);
        state.Pending = MergePending(state.Pending, old.Pending);

        LastSeenIndex.Count(state, 1, zone, sink);
    }

    /// <summary>Empties a device whose state another device has taken, uncounting it from the last-seen index.</summary>
    public static void Out(DeviceState state, TimeZoneInfo zone, ICounterSink sink)
    {
        LastSeenIndex.Count(state, -1, zone, sink);

        // Its recent fingerprints stay: a late re-send of one of its own requests is still a duplicate.
        var (fingerprints, cursor) = (state.Fingerprints, state.FingerprintCursor);
        state.StartOver(state.Epoch);
        (state.Fingerprints, state.FingerprintCursor) = (fingerprints, cursor);
    }

    private static List<PendingUsage>? MergePending(List<PendingUsage>? mine, List<PendingUsage>? theirs)
    {
        if (theirs is not { Count: > 0 })
        {
            return mine;
        }

        var all = (mine ?? []).Concat(theirs).OrderBy(p => p.Timestamp).ToList();
        while (all.Count > DeviceState.MaxPending)
        {
            // The same bound as a device's own list: the newest entries fold into one.
            var last = all[^1];
            all.RemoveAt(all.Count - 1);
            var prev = all[^1];
            all[^1] = prev with { Requests = prev.Requests + last.Requests, Duration = prev.Duration + last.Duration, DurationBucket = prev.DurationBucket ?? last.DurationBucket };
        }

        return all;
    }

    private readonly record struct Merged
    {
        public long FirstSeen { get; init; }
        public long LastSeen { get; init; }
        public long LastBegin { get; init; }
        public long LastEnd { get; init; }
        public int SessionCount { get; init; }
        public long TotalDuration { get; init; }
        public long SessionDuration { get; init; }
        public bool HasOngoingSession { get; init; }
        public string? Country { get; init; }
        public string? City { get; init; }
        public (ulong Days, ulong Weeks, ulong Months) Retention { get; init; }
    }
}
