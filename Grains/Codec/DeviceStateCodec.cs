using Analytics.Grains.Domain;

namespace Analytics.Grains.Codec;

/// <summary>Versioned binary form of <see cref="DeviceState"/> (a few hundred bytes), used in the journal and the device table.</summary>
public static class DeviceStateCodec
{
    // 2 added the bulk mark at the end; version 1 states (journals, device pages) still read.
    private const byte Version = 2;

    // One writer per thread, reused: Encode runs for every applied request, and a fresh
    // MemoryStream and BinaryWriter each time (with the buffer grown past a few hundred bytes)
    // were allocations of their own. Encode is synchronous, so the writer never crosses threads.
    [ThreadStatic]
    private static BinaryWriter? t_writer;

    /// <summary>Serialises <paramref name="state"/>.</summary>
    public static byte[] Encode(DeviceState state)
    {
        var w = t_writer ??= new BinaryWriter(new MemoryStream(512));
        var ms = (MemoryStream)w.BaseStream;
        ms.SetLength(0);
        Write(w, state);
        w.Flush();
        var bytes = ms.GetBuffer().AsSpan(0, (int)ms.Length).ToArray();
        if (ms.Capacity > 64 * 1024)
        {
            // A state with a huge pending list: do not keep its buffer around.
            t_writer = null;
        }

        return bytes;
    }

    /// <summary>Deserialises a state made by <see cref="Encode"/>.</summary>
    public static DeviceState Decode(ReadOnlySpan<byte> data)
    {
        using var ms = new MemoryStream(data.ToArray(), writable: false);
        using var r = new BinaryReader(ms);
        return Read(r);
    }

    /// <summary>Writes <paramref name="s"/> to <paramref name="w"/>.</summary>
    public static void Write(BinaryWriter w, DeviceState s)
    {
        w.Write(Version);
        w.WriteVar(s.Seq);
        w.WriteVar(s.FirstSeen);
        w.WriteVar(s.LastSeen);
        w.WriteVar(s.LastBegin);
        w.WriteVar(s.LastEnd);
        w.WriteVar(s.SessionCount);
        w.WriteVar(s.SessionDuration);
        w.WriteVar(s.TotalDuration);
        w.Write(s.HasOngoingSession);
        w.WriteNullable(s.Country);
        w.WriteNullable(s.City);
        w.Write((byte)s.MetricValues.Length);
        foreach (var m in s.MetricValues)
        {
            w.WriteNullable(m);
        }

        w.WriteVar(s.LastActive);
        var pending = s.Pending;
        w.WriteVar(pending?.Count ?? 0);
        if (pending is not null)
        {
            foreach (var p in pending)
            {
                w.WriteVar(p.Timestamp);
                w.WriteVar(p.Requests);
                w.WriteVar(p.Duration);
                w.WriteNullable(p.DurationBucket);
            }
        }

        var used = 0;
        foreach (var f in s.Fingerprints)
        {
            if (f != 0)
            {
                used++;
            }
        }

        w.Write((byte)used);
        if (used > 0)
        {
            // Oldest first, so the ring's order survives the round trip.
            for (var i = 0; i < s.Fingerprints.Length; i++)
            {
                var f = s.Fingerprints[(s.FingerprintCursor + i) % s.Fingerprints.Length];
                if (f != 0)
                {
                    w.Write(f);
                }
            }
        }

        w.Write(s.RetentionDays);
        w.Write(s.RetentionWeeks);
        w.Write(s.RetentionMonths);
        w.WriteVar(s.Epoch);
        w.Write(s.BulkMark != 0);
        if (s.BulkMark != 0)
        {
            w.Write(s.BulkMark);
            w.WriteVar(s.BulkApplied);
        }
    }

    /// <summary>Reads a state written by <see cref="Write"/>.</summary>
    public static DeviceState Read(BinaryReader r)
    {
        var version = r.ReadByte();
        if (version is not (1 or Version))
        {
            throw new InvalidDataException($"Unknown device state version {version}.");
        }

        var s = new DeviceState
        {
            Seq = r.ReadVar(),
            FirstSeen = r.ReadVar(),
            LastSeen = r.ReadVar(),
            LastBegin = r.ReadVar(),
            LastEnd = r.ReadVar(),
            SessionCount = (int)r.ReadVar(),
            SessionDuration = r.ReadVar(),
            TotalDuration = r.ReadVar(),
            HasOngoingSession = r.ReadBoolean(),
            Country = r.ReadNullableString(),
            City = r.ReadNullableString(),
        };
        var metrics = r.ReadByte();
        for (var i = 0; i < metrics; i++)
        {
            var value = r.ReadNullableString();
            if (i < s.MetricValues.Length)
            {
                s.MetricValues[i] = value;
            }
        }

        s.LastActive = r.ReadVar();
        var pendingCount = (int)r.ReadVar();
        if (pendingCount > 0)
        {
            s.Pending = new List<PendingUsage>(pendingCount);
            for (var i = 0; i < pendingCount; i++)
            {
                s.Pending.Add(new PendingUsage(r.ReadVar(), (int)r.ReadVar(), r.ReadVar(), r.ReadNullableString()));
            }
        }

        var used = r.ReadByte();
        for (var i = 0; i < used; i++)
        {
            s.RememberFingerprint(r.ReadUInt64());
        }

        s.RetentionDays = r.ReadUInt64();
        s.RetentionWeeks = r.ReadUInt64();
        s.RetentionMonths = r.ReadUInt64();
        s.Epoch = (int)r.ReadVar();
        if (version >= 2 && r.ReadBoolean())
        {
            s.BulkMark = r.ReadUInt64();
            s.BulkApplied = (int)r.ReadVar();
        }

        return s;
    }
}
