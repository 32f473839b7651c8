namespace Analytics.Grains.Codec;

/// <summary>Versioned binary form of <see cref="IngestRequest"/>, used in journal records.</summary>
public static class RequestCodec
{
    private const byte Version = 1;

    // Records of device-id merges carry a section more, after the events. They are marked with a
    // version of their own, so every other record keeps the layout older silos read, and an
    // older silo meeting a merge record stops at it instead of reading on misaligned.
    private const byte MergeVersion = 2;

    /// <summary>Writes <paramref name="r"/> to <paramref name="w"/>.</summary>
    public static void Write(BinaryWriter w, IngestRequest r)
    {
        var merge = r.MergeFrom is not null || r.MergedState is not null || r.MergedInto is not null;
        w.Write(merge ? MergeVersion : Version);
        w.Write(r.AppId);
        w.Write(r.DeviceId);
        w.WriteVar(r.Timestamp);
        w.WriteVar(r.ReceivedAt);
        w.Write(r.TimeZone);
        byte flags = 0;
        if (r.BeginSession) flags |= 1;
        if (r.EndSession) flags |= 2;
        if (r.IgnoreCooldown) flags |= 4;
        if (r.HasSessionDuration) flags |= 8;
        if (r.HasLocation) flags |= 16;
        if (r.Metrics is not null) flags |= 32;
        if (r.HasUnusableSessionDuration) flags |= 64;
        w.Write(flags);
        w.WriteVar(r.SessionDuration);
        if (r.Metrics is { } m)
        {
            for (var i = 0; i < MetricCatalog.Count; i++)
            {
                w.WriteNullable(m.Get(i));
            }
        }

        w.Write(r.Country);
        w.Write(r.City);
        w.Write(r.Fingerprint);
        w.WriteVar(r.Epoch);
        w.WriteVar(r.Events.Count);
        // Index loops: a foreach over the interfaces would box an enumerator per list per request.
        var events = r.Events;
        for (var i = 0; i < events.Count; i++)
        {
            var e = events[i];
            w.Write(e.Key);
            w.WriteVar(e.Count);
            WriteDecimal(w, e.Sum);
            WriteDecimal(w, e.Dur);
            w.WriteVar(e.Timestamp);
            var segments = e.Segments;
            w.WriteVar(segments.Count);
            for (var j = 0; j < segments.Count; j++)
            {
                w.Write(segments[j].Key);
                w.Write(segments[j].Value);
            }
        }

        if (merge)
        {
            // After the events, so records without a merge keep the layout they always had.
            w.WriteNullable(r.MergeFrom);
            w.WriteNullable(r.MergedInto);
            w.Write(r.MergedState is not null);
            if (r.MergedState is { } state)
            {
                w.WriteVar(state.Length);
                w.Write(state);
            }
        }
    }

    /// <summary>Reads a request written by <see cref="Write"/>.</summary>
    public static IngestRequest Read(BinaryReader r)
    {
        var version = r.ReadByte();
        if (version is not (Version or MergeVersion))
        {
            throw new InvalidDataException($"Unknown request version {version}.");
        }

        var appId = r.ReadString();
        var deviceId = r.ReadString();
        var timestamp = r.ReadVar();
        var receivedAt = r.ReadVar();
        var zone = r.ReadString();
        var flags = r.ReadByte();
        var duration = (int)r.ReadVar();
        Metrics? metrics = null;
        if ((flags & 32) != 0)
        {
            var v = new string?[MetricCatalog.Count];
            for (var i = 0; i < v.Length; i++)
            {
                v[i] = r.ReadNullableString();
            }

            metrics = new Metrics
            {
                Os = v[0],
                OsVersion = v[1],
                Device = v[2],
                Resolution = v[3],
                Carrier = v[4],
                AppVersion = v[5],
                Density = v[6],
                Locale = v[7],
                DeviceType = v[8],
                Manufacturer = v[9],
            };
        }

        var country = r.ReadString();
        var city = r.ReadString();
        var fingerprint = r.ReadUInt64();
        var epoch = (int)r.ReadVar();
        var eventCount = (int)r.ReadVar();
        var events = new IngestEvent[eventCount];
        for (var i = 0; i < eventCount; i++)
        {
            var key = r.ReadString();
            var count = r.ReadVar();
            var sum = ReadDecimal(r);
            var dur = ReadDecimal(r);
            var ts = r.ReadVar();
            var segCount = (int)r.ReadVar();
            var segs = new KeyValuePair<string, string>[segCount];
            for (var j = 0; j < segCount; j++)
            {
                segs[j] = new KeyValuePair<string, string>(r.ReadString(), r.ReadString());
            }

            events[i] = new IngestEvent { Key = key, Count = count, Sum = sum, Dur = dur, Timestamp = ts, Segments = segs };
        }

        string? mergeFrom = null, mergedInto = null;
        byte[]? mergedState = null;
        if (version == MergeVersion)
        {
            mergeFrom = r.ReadNullableString();
            mergedInto = r.ReadNullableString();
            if (r.ReadBoolean())
            {
                mergedState = r.ReadBytes((int)r.ReadVar());
            }
        }

        return new IngestRequest
        {
            AppId = appId,
            DeviceId = deviceId,
            Timestamp = timestamp,
            ReceivedAt = receivedAt,
            TimeZone = zone,
            BeginSession = (flags & 1) != 0,
            EndSession = (flags & 2) != 0,
            IgnoreCooldown = (flags & 4) != 0,
            HasSessionDuration = (flags & 8) != 0,
            HasLocation = (flags & 16) != 0,
            HasUnusableSessionDuration = (flags & 64) != 0,
            SessionDuration = duration,
            Metrics = metrics,
            Country = country,
            City = city,
            Fingerprint = fingerprint,
            Epoch = epoch,
            Events = events,
            MergeFrom = mergeFrom,
            MergedState = mergedState,
            MergedInto = mergedInto,
        };
    }

    private static void WriteDecimal(BinaryWriter w, decimal? value)
    {
        w.Write(value.HasValue);
        if (value is { } d)
        {
            w.Write(d);
        }
    }

    private static decimal? ReadDecimal(BinaryReader r) => r.ReadBoolean() ? r.ReadDecimal() : null;
}
