using System.Buffers.Binary;
using Analytics.Grains;
using Analytics.Grains.Journal;

namespace Analytics.Tests.Grains;

/// <summary>
/// The journal cuts segments by <see cref="JournalEntry.EstimatedBytes"/>: it must bound what the
/// segment encodes to, whatever a client puts into events, or a segment of a few large requests
/// grows past what a Table transaction and a replay's decompression accept.
/// </summary>
public sealed class JournalSizeTests
{
    [Theory]
    [InlineData('v')]
    [InlineData('\u7F8E')]
    [InlineData('\u00E9')]
    public void The_estimate_bounds_the_encoded_size_of_the_largest_events(char fill)
    {
        var events = Enumerable.Range(0, 100).Select(e => new IngestEvent
        {
            Key = new string(fill, 127),
            Timestamp = 1_700_000_000_000,
            Segments = [.. Enumerable.Range(0, 100).Select(s => new KeyValuePair<string, string>(s.ToString("D3", System.Globalization.CultureInfo.InvariantCulture) + new string(fill, 120), new string(fill, 256)))],
        }).ToList();
        var request = new IngestRequest
        {
            AppId = "0123456789abcdef01234567",
            DeviceId = new string(fill, 200),
            TimeZone = "UTC",
            Timestamp = 1_700_000_000_000,
            Events = events,
            Metrics = new Metrics { Os = new string(fill, 128), Device = new string(fill, 128) },
            MergeFrom = new string(fill, 200),
            MergedState = new byte[300],
        };
        var entries = Enumerable.Range(0, 3).Select(i => new JournalEntry { Seq = i, StateBefore = new byte[250], Request = request }).ToList();

        var payload = SegmentCodec.Encode(entries);

        var encoded = BinaryPrimitives.ReadInt32LittleEndian(payload.AsSpan(1));
        Assert.InRange(encoded, 1, entries.Sum(e => e.EstimatedBytes));
        Assert.Equal(3, SegmentCodec.Decode(payload).Count);
    }

    [Fact]
    public void The_estimate_of_latin_text_is_close_to_its_encoding()
    {
        var events = Enumerable.Range(0, 50).Select(e => new IngestEvent
        {
            Key = "purchase" + e,
            Timestamp = 1_700_000_000_000,
            Segments = [.. Enumerable.Range(0, 20).Select(s => new KeyValuePair<string, string>("key" + s, new string('v', 100)))],
        }).ToList();
        var entry = new JournalEntry { Seq = 1, StateBefore = new byte[200], Request = new IngestRequest { AppId = "0123456789abcdef01234567", DeviceId = "d", TimeZone = "UTC", Events = events } };

        var encoded = BinaryPrimitives.ReadInt32LittleEndian(SegmentCodec.Encode([entry]).AsSpan(1));

        Assert.InRange(entry.EstimatedBytes, encoded, encoded * 1.2);
    }

    [Fact]
    public void A_plain_request_is_estimated_at_a_few_hundred_bytes()
    {
        var request = new IngestRequest { AppId = "0123456789abcdef01234567", DeviceId = "device-1", TimeZone = "Europe/Istanbul", Timestamp = 1_700_000_000_000 };

        Assert.InRange(new JournalEntry { Seq = 1, StateBefore = new byte[120], Request = request }.EstimatedBytes, 200, 600);
    }
}
