using Analytics.Grains.Codec;

namespace Analytics.Grains.Domain;

/// <summary>
/// Countly's per-request session rules (spec §1.5–§1.9, modern line) as a pure function of
/// (device state, normalised request): mutates the state and writes counter increments.
/// The live path and journal replay both call <see cref="Apply"/>.
/// </summary>
public static class SessionRules
{
    /// <summary>Countly's session cooldown: a begin within this long after an end extends the session.</summary>
    public const long CooldownMs = 15_000;

    /// <summary>What <see cref="Apply"/> did.</summary>
    public enum Outcome
    {
        /// <summary>The request changed the state and may have produced increments.</summary>
        Applied,
        /// <summary>The request's fingerprint is in the device's recent window: nothing changed.</summary>
        Duplicate,

        /// <summary>As <see cref="Applied"/>, and the request began a counted session (not a cooldown extension).</summary>
        Began,
    }

    /// <summary>Applies <paramref name="request"/> to <paramref name="state"/>, writing increments to <paramref name="sink"/>.</summary>
    public static Outcome Apply(DeviceState state, IngestRequest request, TimeZoneInfo zone, ICounterSink sink)
    {
        if (request.Epoch > state.Epoch)
        {
            state.StartOver(request.Epoch);
        }

        if (state.HasFingerprint(request.Fingerprint))
        {
            return Outcome.Duplicate;
        }

        var t = request.Timestamp;
        var stamp = new Stamp(sink, LocalTime.Of(t, zone));
        var usage = new Usage(state, sink, zone);
        if (request.MergedInto is not null)
        {
            // This device was merged into another one, which holds its state now.
            DeviceMerge.Out(state, zone, sink);
            return Outcome.Applied;
        }

        if (request.MergedState is { } merged)
        {
            DeviceMerge.In(state, DeviceStateCodec.Decode(merged), zone, sink);
            if (state.HasBegun)
            {
                // Usage either side held back for a first session is visible now.
                usage.FlushPending();
            }
        }

        if (request.HasSessionDuration)
        {
            usage.Requests(stamp, 1);
            usage.Duration(stamp, request.SessionDuration);
            state.SessionDuration += request.SessionDuration;
            state.TotalDuration += request.SessionDuration;
        }

        var counted = false;
        if (request.BeginSession)
        {
            var inCooldown = state.LastEnd != 0 && t - state.LastEnd < CooldownMs && !request.IgnoreCooldown;
            if (inCooldown)
            {
                // Session extension: nothing counted, the session simply continues.
                state.HasOngoingSession = true;
                state.LastBegin = t;
            }
            else
            {
                BeginSession(state, request, zone, stamp, usage);
                counted = true;
            }
        }

        // Countly reads begin_session first and end_session only without it: a request that
        // carries both begins (or extends) a session and leaves it open.
        if (request.EndSession && !request.BeginSession)
        {
            state.LastEnd = t;
            state.HasOngoingSession = false;
            if (!request.HasSessionDuration && !request.HasUnusableSessionDuration)
            {
                usage.Requests(stamp, 1);
            }

            // Recorded at once; a begin within the cooldown is an extension (spec §1.5 recommendation).
            usage.DurationBucket(stamp, SessionBuckets.Duration(state.SessionDuration));
            state.SessionDuration = 0;
        }

        // Countly: `!begin_session && !session_duration` on the raw parameters ("0" is truthy).
        if (!request.BeginSession && !request.HasSessionDuration && !request.HasUnusableSessionDuration && !request.EndSession)
        {
            usage.Requests(stamp, 1);
        }

        EventRules.Apply(request, zone, sink);

        if (request.Metrics is { } metrics)
        {
            // A counted begin moved the device's values in the last-seen index already; metrics
            // on any other request change the values it is counted under at its last-seen day.
            var before = counted ? null : LastSeenIndex.ValuesOf(state.MetricValues, state.City);
            for (var i = 0; i < MetricCatalog.Count; i++)
            {
                if (metrics.Get(i) is { } value)
                {
                    state.MetricValues[i] = value;
                }
            }

            if (before is not null)
            {
                LastSeenIndex.MoveValues(state, before, LastSeenIndex.ValuesOf(state.MetricValues, state.City), zone, sink);
            }
        }

        state.RememberFingerprint(request.Fingerprint);
        state.LastActive = Math.Max(state.LastActive, request.ReceivedAt);
        return counted ? Outcome.Began : Outcome.Applied;
    }

    private static void BeginSession(DeviceState state, IngestRequest request, TimeZoneInfo zone, Stamp stamp, Usage usage)
    {
        var t = request.Timestamp;
        const string U = Collections.Users;
        var country = request.Country;

        if (state.HasOngoingSession)
        {
            // The previous session never ended: close its duration bucket first (even "0").
            usage.DurationBucket(stamp, SessionBuckets.Duration(state.SessionDuration));
            state.SessionDuration = 0;
        }

        var isNew = !state.HasBegun;
        var levels = UniqueLevels.None;
        var previousSeen = state.LastSeen;
        var previousCountry = state.Country;
        if (isNew)
        {
            state.FirstSeen = t;
            state.LastSeen = t;
            usage.FlushPending();
        }

        usage.Requests(stamp, 1);
        stamp.Month(U, "t");
        stamp.Day(U, country + ".t");

        if (isNew)
        {
            stamp.Month(U, "n");
            stamp.Month(U, "u");
            stamp.Zero(U, "u");
            stamp.Day(U, country + ".n");
            stamp.Day(U, country + ".u");
            stamp.Zero(U, country + ".u");
            stamp.Day(U, "f.0");
            stamp.Zero(U, "f.0");
            stamp.Meta(U, "f-ranges", "0");
        }
        else
        {
            levels = Uniques.Of(previousSeen, t, zone);
            WriteAtLevels(stamp, U, "u", levels, hourToo: true);
            if (!string.Equals(previousCountry, country, StringComparison.Ordinal))
            {
                stamp.Day(U, country + ".u");
                stamp.Zero(U, country + ".u");
            }
            else
            {
                WriteAtLevels(stamp, U, country + ".u", levels, hourToo: false);
            }

            if (SessionBuckets.Frequency(previousSeen, t) is { } bucket)
            {
                stamp.Day(U, "f." + bucket);
                stamp.Zero(U, "f." + bucket);
                stamp.Meta(U, "f-ranges", bucket);
            }

            state.LastSeen = Math.Max(previousSeen, t);
        }

        stamp.Meta(U, "countries", country);
        WriteMetrics(state, request, stamp, levels, isNew);
        var values = new string?[MetricCatalog.Count];
        for (var i = 0; i < values.Length; i++)
        {
            values[i] = request.Metrics?.Get(i) ?? state.MetricValues[i];
        }

        LastSeenIndex.Move(
            state, isNew, previousSeen, previousCountry, country,
            LastSeenIndex.ValuesOf(state.MetricValues, state.City),
            LastSeenIndex.ValuesOf(values, request.HasLocation ? request.City : state.City),
            zone, stamp);
        RetentionRules.OnSession(state, isNew, zone, stamp);

        state.SessionCount++;
        state.HasOngoingSession = true;
        state.LastBegin = t;
        state.Country = country;
        if (request.HasLocation)
        {
            state.City = request.City;
        }
    }

    private static void WriteMetrics(DeviceState state, IngestRequest request, Stamp stamp, UniqueLevels levels, bool isNew)
    {
        if (request.Metrics is { } metrics)
        {
            for (var i = 0; i < MetricCatalog.Count; i++)
            {
                if (metrics.Get(i) is { } value)
                {
                    var entry = MetricCatalog.All[i];
                    WriteMetricValue(stamp, entry.Collection, entry.Set, value, state.MetricValues[i], levels, isNew);
                }
            }
        }

        if (request.HasLocation && request.City is { Length: > 0 } city && city != "Unknown")
        {
            // A user property in Countly (is_user_prop): a changed city takes no unique of its own.
            WriteMetricValue(stamp, Collections.Cities, "cities", city, state.City, levels, isNew, userProperty: true);
        }
    }

    /// <summary>One metric value's counts; a <paramref name="userProperty"/> (Countly's <c>is_user_prop</c>: the city) is never counted as a changed value.</summary>
    private static void WriteMetricValue(Stamp stamp, string collection, string set, string value, string? stored, UniqueLevels levels, bool isNew, bool userProperty = false)
    {
        stamp.Day(collection, value + ".t");
        if (isNew)
        {
            stamp.Day(collection, value + ".n");
            stamp.Day(collection, value + ".u");
            stamp.Zero(collection, value + ".u");
        }
        else if (!userProperty && !string.Equals(stored, value, StringComparison.Ordinal))
        {
            stamp.Day(collection, value + ".u");
            stamp.Zero(collection, value + ".u");
        }
        else
        {
            WriteAtLevels(stamp, collection, value + ".u", levels, hourToo: false);
        }

        stamp.Meta(collection, set, value);
    }

    private static void WriteAtLevels(Stamp stamp, string collection, string prop, UniqueLevels levels, bool hourToo)
    {
        if (hourToo && levels.HasFlag(UniqueLevels.Hour))
        {
            stamp.Hour(collection, prop);
        }

        if (levels.HasFlag(UniqueLevels.Day))
        {
            stamp.Day(collection, prop);
        }

        if (levels.HasFlag(UniqueLevels.Week))
        {
            stamp.WeekLevel(collection, prop);
        }

        if (levels.HasFlag(UniqueLevels.Month))
        {
            stamp.MonthLevel(collection, prop);
        }

        if (levels.HasFlag(UniqueLevels.Year))
        {
            stamp.Year(collection, prop);
        }
    }

    /// <summary>
    /// Users-collection usage (<c>e</c>, <c>d</c>, <c>ds</c>): visible for devices that began a
    /// session, held as pending usage for the others until their first session (spec §2.1).
    /// </summary>
    private readonly struct Usage(DeviceState state, ICounterSink sink, TimeZoneInfo zone)
    {
        public void Requests(Stamp stamp, int count)
        {
            if (state.HasBegun)
            {
                stamp.Month(Collections.Users, "e", count);
            }
            else
            {
                AddPending(stamp, count, 0, null);
            }
        }

        public void Duration(Stamp stamp, long seconds)
        {
            if (seconds == 0)
            {
                return;
            }

            if (state.HasBegun)
            {
                stamp.Month(Collections.Users, "d", seconds);
            }
            else
            {
                AddPending(stamp, 0, seconds, null);
            }
        }

        public void DurationBucket(Stamp stamp, string bucket)
        {
            if (state.HasBegun)
            {
                stamp.Day(Collections.Users, "ds." + bucket);
                stamp.Zero(Collections.Users, "ds." + bucket);
                stamp.Meta(Collections.Users, "d-ranges", bucket);
            }
            else
            {
                AddPending(stamp, 0, 0, bucket);
            }
        }

        public void FlushPending()
        {
            if (state.Pending is not { } pending)
            {
                return;
            }

            state.Pending = null;
            foreach (var p in pending)
            {
                var stamp = new Stamp(sink, LocalTime.Of(p.Timestamp, zone));
                Requests(stamp, p.Requests);
                Duration(stamp, p.Duration);
                if (p.DurationBucket is { } bucket)
                {
                    DurationBucket(stamp, bucket);
                }
            }
        }

        private void AddPending(Stamp stamp, int requests, long duration, string? bucket)
        {
            var list = state.Pending ??= [];
            if (list.Count > 0)
            {
                var last = list[^1];
                var sameHour = LocalTime.Of(last.Timestamp, zone).StartOfHourMs() == stamp.Time.StartOfHourMs();
                if ((sameHour && bucket is null && last.DurationBucket is null) || list.Count >= DeviceState.MaxPending)
                {
                    list[^1] = last with { Requests = last.Requests + requests, Duration = last.Duration + duration, DurationBucket = last.DurationBucket ?? bucket };
                    return;
                }
            }

            list.Add(new PendingUsage(stamp.Time.Ms, requests, duration, bucket));
        }
    }
}
