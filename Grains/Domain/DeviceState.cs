namespace Analytics.Grains.Domain;

/// <summary>
/// Everything the session rules need to know about one device (Countly's app_users
/// document fields <c>fs ls sc sd tsd lbst lest hos cc</c> plus the last metric values),
/// the requests it made before its first session, and its recent request fingerprints.
/// Times are Unix milliseconds, 0 meaning "never".
/// </summary>
public sealed class DeviceState
{
    /// <summary>How many fingerprints the duplicate window keeps (README: "Duplicate suppression").</summary>
    public const int FingerprintWindow = 16;

    /// <summary>How many pending pre-session usage entries are kept; older ones are merged into the oldest.</summary>
    public const int MaxPending = 48;

    /// <summary>Sequence number of the last journaled request applied to this state.</summary>
    public long Seq { get; set; }

    /// <summary>
    /// Where the sequence numbers of an app's reset epoch start: above every number of the
    /// epochs before it (2^40 records a device and epoch), so that a state from before a reset
    /// that is still on its way to the device's bucket (the state forwarder, a replay) never
    /// outranks the states of the device's new life, which may have begun again at nothing.
    /// </summary>
    public static long FirstSeqOf(int epoch) => (long)Math.Clamp(epoch, 0, 1 << 22) << 40;
    /// <summary>First seen: time of the first counted begin_session (Countly <c>fs</c>).</summary>
    public long FirstSeen { get; set; }
    /// <summary>Last seen: latest counted session start, never moved backwards (Countly <c>ls</c>).</summary>
    public long LastSeen { get; set; }
    /// <summary>Last begin_session time, cooldown extensions included (Countly <c>lbst</c>).</summary>
    public long LastBegin { get; set; }
    /// <summary>Last end_session time (Countly <c>lest</c>).</summary>
    public long LastEnd { get; set; }
    /// <summary>Session count (Countly <c>sc</c>).</summary>
    public int SessionCount { get; set; }
    /// <summary>Duration accumulated in the current session, seconds (Countly <c>sd</c>).</summary>
    public long SessionDuration { get; set; }
    /// <summary>Total duration, seconds (Countly <c>tsd</c>).</summary>
    public long TotalDuration { get; set; }
    /// <summary>Has an ongoing session (Countly <c>hos</c>).</summary>
    public bool HasOngoingSession { get; set; }
    /// <summary>Stored country code (Countly <c>cc</c>).</summary>
    public string? Country { get; set; }
    /// <summary>Stored city (Countly <c>cty</c>).</summary>
    public string? City { get; set; }
    /// <summary>Last stored value of each metric, by <see cref="MetricCatalog"/> index.</summary>
    public string?[] MetricValues { get; set; } = new string?[MetricCatalog.Count];
    /// <summary>Server time of the last accepted request (for live counts).</summary>
    public long LastActive { get; set; }
    /// <summary>Usage recorded before the first session, made visible when it begins (spec §2.1).</summary>
    public List<PendingUsage>? Pending { get; set; }
    /// <summary>Ring of recent request fingerprints (duplicate suppression).</summary>
    public ulong[] Fingerprints { get; set; } = new ulong[FingerprintWindow];
    /// <summary>Next slot of <see cref="Fingerprints"/> to overwrite.</summary>
    public int FingerprintCursor { get; set; }
    /// <summary>Bit k (1..63) set when the device began a session on day k after its first-session day; bit 0 when it did so after day 63 (RetentionRules).</summary>
    public ulong RetentionDays { get; set; }
    /// <summary>Bit k set when the device began a session in week k after its first-session week.</summary>
    public ulong RetentionWeeks { get; set; }
    /// <summary>Bit k set when the device began a session in month k after its first-session month.</summary>
    public ulong RetentionMonths { get; set; }

    /// <summary>The app reset epoch this state belongs to.</summary>
    public int Epoch { get; set; }

    /// <summary>
    /// <see cref="BulkResend.MarkOf"/> of the last <c>/i/bulk</c> that carried more fingerprinted
    /// requests of this device than the window keeps (0: none).
    /// </summary>
    public ulong BulkMark { get; set; }

    /// <summary>How many fingerprinted requests of the <see cref="BulkMark"/> bulk were applied, in its order.</summary>
    public int BulkApplied { get; set; }

    /// <summary>Whether the device ever began a counted session (and so is visible).</summary>
    public bool HasBegun => FirstSeen != 0;

    /// <summary>Whether <paramref name="fingerprint"/> is in the recent window.</summary>
    public bool HasFingerprint(ulong fingerprint)
    {
        if (fingerprint == 0)
        {
            return false;
        }

        foreach (var f in Fingerprints)
        {
            if (f == fingerprint)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Remembers <paramref name="fingerprint"/> in the window, evicting the oldest.</summary>
    public void RememberFingerprint(ulong fingerprint)
    {
        if (fingerprint == 0)
        {
            return;
        }

        Fingerprints[FingerprintCursor] = fingerprint;
        FingerprintCursor = (FingerprintCursor + 1) % FingerprintWindow;
    }

    /// <summary>
    /// Starts applying the requests of a bulk with <paramref name="mark"/>: how many of its
    /// fingerprinted requests were applied already (the same bulk re-sent), or 0 for a new bulk,
    /// which is remembered from now on.
    /// </summary>
    public int BeginBulk(ulong mark)
    {
        if (mark == BulkMark)
        {
            return BulkApplied;
        }

        BulkMark = mark;
        BulkApplied = 0;
        return 0;
    }

    /// <summary>
    /// Forgets everything but the sequence number, which moves on to at least
    /// <see cref="FirstSeqOf"/>(<paramref name="epoch"/>): the app was reset (Countly deletes its users).
    /// </summary>
    public void StartOver(int epoch)
    {
        Seq = Math.Max(Seq, FirstSeqOf(epoch));
        FirstSeen = 0;
        LastSeen = 0;
        LastBegin = 0;
        LastEnd = 0;
        SessionCount = 0;
        SessionDuration = 0;
        TotalDuration = 0;
        HasOngoingSession = false;
        Country = null;
        City = null;
        MetricValues = new string?[MetricCatalog.Count];
        LastActive = 0;
        Pending = null;
        Fingerprints = new ulong[FingerprintWindow];
        FingerprintCursor = 0;
        RetentionDays = 0;
        RetentionWeeks = 0;
        RetentionMonths = 0;
        BulkMark = 0;
        BulkApplied = 0;
        Epoch = epoch;
    }

    /// <summary>A deep copy.</summary>
    public DeviceState Clone()
    {
        var copy = (DeviceState)MemberwiseClone();
        copy.MetricValues = (string?[])MetricValues.Clone();
        copy.Fingerprints = (ulong[])Fingerprints.Clone();
        copy.Pending = Pending is null ? null : [.. Pending];
        return copy;
    }
}

/// <summary>Users-collection usage (<c>e</c>, <c>d</c>, <c>ds</c>) of a device that has not begun a session yet.</summary>
/// <param name="Timestamp">Request time, Unix ms.</param>
/// <param name="Requests">Number of requests (<c>e</c>).</param>
/// <param name="Duration">Seconds of session_duration (<c>d</c>).</param>
/// <param name="DurationBucket">A <c>ds</c> bucket recorded by an end_session, or null.</param>
public sealed record PendingUsage(long Timestamp, int Requests, long Duration, string? DurationBucket);
