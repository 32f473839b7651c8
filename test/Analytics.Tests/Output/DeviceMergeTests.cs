using Xunit;
using Analytics.Frontend.Output;
using Analytics.Grains;
using Analytics.Grains.Codec;

namespace Analytics.Tests.Output;

/// <summary>Device-id changes with merge (<c>old_device_id</c>) in the session rules: Countly's <c>mergeUserProperties</c>.</summary>
public sealed class DeviceMergeTests
{
    [Fact]
    public void A_merged_device_is_not_new_when_it_begins_its_next_session()
    {
        var traffic = new Traffic();
        traffic.Send("temp", traffic.At(2024, 10, 14, 9, 0), begin: true);
        traffic.Send("temp", traffic.At(2024, 10, 14, 9, 1), duration: 40, end: true);

        traffic.Merge("user-1", "temp", traffic.At(2024, 10, 15, 9, 0));
        traffic.Send("user-1", traffic.At(2024, 10, 15, 9, 1), begin: true);

        var year = Year(traffic);
        Assert.Equal("""{"t":2,"n":1,"u":1,"f":{"0":1,"2":1}}""", Json.Text(Json.Pick(year, "t", "n", "u", "f")));
        var state = traffic.State("user-1");
        Assert.Equal((traffic.At(2024, 10, 14, 9, 0), 2, 40L), (state.FirstSeen, state.SessionCount, state.TotalDuration));
        Assert.False(traffic.State("temp").HasBegun);
    }

    [Fact]
    public void Without_the_merge_the_new_id_is_a_new_user()
    {
        var traffic = new Traffic();
        traffic.Send("temp", traffic.At(2024, 10, 14, 9, 0), begin: true);
        traffic.Send("user-1", traffic.At(2024, 10, 15, 9, 1), begin: true);

        Assert.Equal("""{"t":2,"n":2,"u":2}""", Json.Text(Json.Pick(Year(traffic), "t", "n", "u")));
    }

    [Theory]
    [InlineData("30days", 1L)]
    [InlineData("hour", 1L)]
    [InlineData("yesterday", null)]
    public void The_pair_counts_once_among_the_users_last_seen(string period, long? expected)
    {
        var traffic = new Traffic();
        traffic.Send("old", traffic.At(2024, 10, 14, 9, 0), begin: true);
        traffic.Send("new", traffic.At(2024, 10, 15, 8, 0), begin: true);

        traffic.Merge("new", "old", traffic.At(2024, 10, 15, 9, 0));

        Assert.Equal(expected, LastSeenCounts.Users(traffic.Snapshots(Collections.LastSeen), Period.Parse(period, traffic.Zone, traffic.At(2024, 10, 15, 13, 42))));
    }

    [Fact]
    public void Both_histories_add_up_and_the_earlier_first_session_wins()
    {
        var traffic = new Traffic();
        traffic.Send("old", traffic.At(2024, 10, 1, 9, 0), begin: true, metrics: new Metrics { Os = "Android", AppVersion = "1.0" });
        traffic.Send("old", traffic.At(2024, 10, 1, 9, 1), duration: 30, end: true);
        traffic.Send("new", traffic.At(2024, 10, 10, 9, 0), begin: true, metrics: new Metrics { Os = "Android" });
        traffic.Send("new", traffic.At(2024, 10, 10, 9, 1), duration: 20);

        traffic.Merge("new", "old", traffic.At(2024, 10, 10, 9, 2));

        var s = traffic.State("new");
        Assert.Equal(traffic.At(2024, 10, 1, 9, 0), s.FirstSeen);
        Assert.Equal(traffic.At(2024, 10, 10, 9, 0), s.LastSeen);
        Assert.Equal((2, 50L, 20L), (s.SessionCount, s.TotalDuration, s.SessionDuration));
        Assert.True(s.HasOngoingSession);
        Assert.Equal(traffic.At(2024, 10, 1, 9, 1), s.LastEnd);
        Assert.Equal("Android", s.MetricValues[0]);
        Assert.Equal("1.0", s.MetricValues[5]);
    }

    [Fact]
    public void Usage_before_a_first_session_becomes_visible_when_merged_into_a_device_with_sessions()
    {
        var traffic = new Traffic();
        traffic.Send("new", traffic.At(2024, 10, 15, 9, 0), begin: true);
        traffic.Send("temp", traffic.At(2024, 10, 15, 9, 5));
        traffic.Send("temp", traffic.At(2024, 10, 15, 9, 6));
        Assert.Equal(1, Year(traffic)["e"]!.GetValue<decimal>());

        traffic.Merge("new", "temp", traffic.At(2024, 10, 15, 9, 7));

        // The two held-back requests and the merging request itself.
        Assert.Equal(4, Year(traffic)["e"]!.GetValue<decimal>());
    }

    [Fact]
    public void Merging_a_device_that_sent_nothing_changes_nothing_but_the_request()
    {
        var traffic = new Traffic();
        traffic.Send("new", traffic.At(2024, 10, 15, 9, 0), begin: true);
        var before = DeviceStateCodec.Encode(traffic.State("new"));

        traffic.Merge("new", "nobody", traffic.At(2024, 10, 15, 9, 7));

        var after = traffic.State("new");
        Assert.Equal((1, traffic.At(2024, 10, 15, 9, 0)), (after.SessionCount, after.FirstSeen));
        Assert.NotEqual(before, DeviceStateCodec.Encode(after));
        Assert.Equal(2, Year(traffic)["e"]!.GetValue<decimal>());
    }

    [Fact]
    public void A_merge_survives_the_journal_encoding()
    {
        var state = new byte[] { 1, 2, 3, 250 };
        var request = new IngestRequest { AppId = "0123456789abcdef01234567", DeviceId = "new", TimeZone = "UTC", Timestamp = 5, MergeFrom = "old", MergedState = state };
        var away = new IngestRequest { AppId = "0123456789abcdef01234567", DeviceId = "old", TimeZone = "UTC", Timestamp = 6, MergedInto = "new" };
        var plain = new IngestRequest { AppId = "0123456789abcdef01234567", DeviceId = "d", TimeZone = "UTC", Timestamp = 7 };

        var (r1, r2, r3) = (RoundTrip(request), RoundTrip(away), RoundTrip(plain));

        Assert.Equal(("old", (string?)null), (r1.MergeFrom, r1.MergedInto));
        Assert.Equal(state, r1.MergedState);
        Assert.Equal(((string?)null, (byte[]?)null, "new"), (r2.MergeFrom, r2.MergedState, r2.MergedInto));
        Assert.Equal(((string?)null, (byte[]?)null, (string?)null, 7L), (r3.MergeFrom, r3.MergedState, r3.MergedInto, r3.Timestamp));
    }

    [Fact]
    public void Only_merge_records_change_the_journal_layout()
    {
        var plain = new IngestRequest { AppId = "0123456789abcdef01234567", DeviceId = "d", TimeZone = "UTC", Timestamp = 7 };

        Assert.Equal(1, Encode(plain)[0]);
        Assert.Equal(2, Encode(plain with { MergedInto = "new" })[0]);
    }

    private static byte[] Encode(IngestRequest request)
    {
        using var buffer = new MemoryStream();
        using (var w = new BinaryWriter(buffer, System.Text.Encoding.UTF8, leaveOpen: true))
        {
            RequestCodec.Write(w, request);
        }

        return buffer.ToArray();
    }

    private static IngestRequest RoundTrip(IngestRequest request)
    {
        using var buffer = new MemoryStream();
        using (var w = new BinaryWriter(buffer, System.Text.Encoding.UTF8, leaveOpen: true))
        {
            RequestCodec.Write(w, request);
        }

        buffer.Position = 0;
        using var r = new BinaryReader(buffer);
        return RequestCodec.Read(r);
    }

    private static System.Text.Json.Nodes.JsonObject Year(Traffic traffic) =>
        TimeObject.Build(traffic.Snapshots(Collections.Users), TimeObjectShape.Users, [(2024, 10)])["2024"]!.AsObject();
}
