using Analytics.Grains;
using Analytics.Grains.Counters;
using Analytics.Grains.Storage;
using Analytics.Tests.Infrastructure;
using Microsoft.Extensions.Options;

namespace Analytics.Tests.Grains;

/// <summary>
/// What clients choose (event keys, segment values) must never make a counter grain unable to
/// write: its keys stay within Azure's 1,024 characters and its meta row within one entity.
/// </summary>
[Collection(nameof(AzuriteCollection))]
public sealed class CounterStorageLimitsTests(AzuriteFixture azurite)
{
    private const string App = "0123456789abcdef01234567";

    [Theory]
    [InlineData("buy")]
    [InlineData("a|b c~d")]
    [InlineData("\u8D2D\u4E70")]
    public void Short_keys_keep_their_bytewise_form(string key)
    {
        var encoded = KeyEncoding.Encode(key);

        Assert.DoesNotContain("~~", encoded, StringComparison.Ordinal);
        Assert.Equal(key, KeyEncoding.Decode(encoded));
    }

    [Theory]
    [InlineData("\u8D2D", 127)]
    [InlineData("\u00E9", 127)]
    [InlineData("|", 127)]
    [InlineData("\uD83D\uDE00", 63)]
    [InlineData("\u4E70/", 63)]
    public void The_longest_event_keys_fit_a_key_and_decode_and_sort_under_their_app(string unit, int times)
    {
        var key = new CounterKey(App, 2025, Collections.Event(string.Concat(Enumerable.Repeat(unit, times)))).ToString();

        var encoded = KeyEncoding.Encode(key);

        Assert.InRange(encoded.Length, 1, 512);
        Assert.Equal(key, KeyEncoding.Decode(encoded));
        Assert.StartsWith(KeyEncoding.Encode(App + "|"), encoded, StringComparison.Ordinal);
        Assert.DoesNotContain(encoded, c => c is '/' or '\\' or '#' or '?' || char.IsControl(c));
        Assert.Equal(encoded, System.Text.Encoding.UTF8.GetString(System.Text.Encoding.UTF8.GetBytes(encoded)));
    }

    [Fact]
    public void A_compact_tail_starting_with_h_still_decodes()
    {
        var doc = new string('a', 64) + "h" + new string('\u8D2D', 60) + "|3";

        var encoded = KeyEncoding.Encode(doc);

        Assert.Contains("~~h", encoded, StringComparison.Ordinal);
        Assert.False(KeyEncoding.IsHashed(encoded));
        Assert.Equal(doc, KeyEncoding.Decode(encoded));
    }

    [Fact]
    public void A_key_of_characters_no_sdk_sends_is_hashed_within_the_limit()
    {
        var key = new CounterKey(App, 2025, Collections.Event(string.Concat(Enumerable.Repeat("a\u0085\uE000\uD83D/", 25)))).ToString();

        var encoded = KeyEncoding.Encode(key);

        Assert.InRange(encoded.Length, 1, 512);
        Assert.True(KeyEncoding.IsHashed(encoded));
        Assert.StartsWith(KeyEncoding.Encode(App + "|"), encoded, StringComparison.Ordinal);
        Assert.NotEqual(encoded, KeyEncoding.Encode(key + "x"));
    }

    [Theory]
    [InlineData("\u8D2D", "\u4E70", 127)]
    [InlineData("\uD83D\uDE00", "\uD83D\uDCB0", 63)]
    public async Task An_event_with_the_longest_non_latin_key_and_segment_is_written_and_read_back(string keyUnit, string segmentUnit, int times)
    {
        var table = await CountersAsync();
        var key = new CounterKey(App, 2025, Collections.Event(string.Concat(Enumerable.Repeat(keyUnit, times))));
        var segment = string.Concat(Enumerable.Repeat(segmentUnit, times));
        var store = new CounterStore(key);
        var doc = segment + "|3";
        store.Apply(new CounterBatch { JournalId = "j", From = 0, To = 1, Docs = [doc], Paths = ["15.c"], Values = [2], MetaSets = ["segments"], MetaValues = [segment] }, 0);

        Assert.True(await store.WriteAsync(table, 0));

        var again = new CounterStore(key);
        await again.LoadAsync(table);
        var read = again.Read(null);
        Assert.Equal(2, read.Docs[doc]["15.c"]);
        Assert.Equal([segment], read.Meta["segments"]);
    }

    [Fact]
    public async Task Thousands_of_long_distinct_segment_values_stop_at_the_meta_budget_and_the_grain_still_writes()
    {
        var table = await CountersAsync();
        var key = new CounterKey(App, 2025, Collections.Event("buy"));
        var rng = new Random(1);
        const string Alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
        var values = Enumerable.Range(0, 6000).Select(_ => new string([.. Enumerable.Range(0, 256).Select(_ => Alphabet[rng.Next(Alphabet.Length)])])).ToArray();
        var store = new CounterStore(key);

        // Within Countly's limits (1,000 values per shard), from a few dozen requests.
        store.Apply(new CounterBatch { JournalId = "j", From = 0, To = 1, Docs = [], Paths = [], Values = [], MetaSets = ["segments", .. values.Select(_ => "s")], MetaValues = ["s", .. values] }, 0);

        Assert.True(await store.WriteAsync(table, 0));
        var kept = store.Read(null).Meta["s"].Length;
        Assert.InRange(kept, 1500, 5999);
        var again = new CounterStore(key);
        await again.LoadAsync(table);
        Assert.Equal(kept, again.Read(null).Meta["s"].Length);
    }

    [Fact]
    public async Task A_checkpoint_too_large_for_one_transaction_stopped_halfway_leaves_documents_and_watermark_in_agreement()
    {
        var table = await CountersAsync();
        var key = new CounterKey(App, 2025, Collections.Event("buy"));
        string[] docs = [.. Enumerable.Range(0, 150).Select(i => $"seg{i}|3")];
        CounterBatch Batch(long from) => new()
        {
            JournalId = "j",
            From = from,
            To = from + 1,
            Docs = docs,
            Paths = [.. docs.Select(_ => "15.c")],
            Values = [.. docs.Select(_ => 1m)],
            MetaSets = [],
            MetaValues = [],
        };

        // 151 rows: more than one transaction takes.
        var store = new CounterStore(key);
        store.Apply(Batch(0), 0);
        Assert.True(await store.WriteAsync(table, 0));

        // The next checkpoint stops after its first transaction, as a crash would.
        store.Apply(Batch(1), 0);
        await Assert.ThrowsAsync<IOException>(() => store.WriteAsync(table, 0, failAfterBatches: 1));

        // What a restart finds: the documents and the watermark of the first checkpoint only.
        var restarted = new CounterStore(key);
        await restarted.LoadAsync(table);
        Assert.Equal(1, restarted.Watermark("j"));
        Assert.All(docs, d => Assert.Equal(1, restarted.Read([d]).Docs[d]["15.c"]));

        // The journal's replay sends the range again: counted once, and no row is left over.
        Assert.Equal(BatchStatus.Applied, restarted.Apply(Batch(1), 0).Status);
        Assert.True(await restarted.WriteAsync(table, 0));
        var reloaded = new CounterStore(key);
        await reloaded.LoadAsync(table);
        Assert.All(docs, d => Assert.Equal(2, reloaded.Read([d]).Docs[d]["15.c"]));
        var rows = await TableStore.ReadPartitionAsync(table, KeyEncoding.Encode(key.ToString()), "test");
        Assert.Equal(docs.Length + 1, rows.Count);
    }

    [Fact]
    public async Task Documents_move_between_generations_and_back_in_place_without_leaving_rows()
    {
        var table = await CountersAsync();
        var key = new CounterKey(App, 2025, Collections.Event("view"));
        string[] many = [.. Enumerable.Range(0, 120).Select(i => $"page{i}|5")];
        var store = new CounterStore(key);
        store.Apply(new CounterBatch { JournalId = "j", From = 0, To = 1, Docs = many, Paths = [.. many.Select(_ => "1.c")], Values = [.. many.Select(_ => 3m)], MetaSets = [], MetaValues = [] }, 0);
        Assert.True(await store.WriteAsync(table, 0));

        // A small checkpoint after it: two documents go back in place, in one transaction.
        store.Apply(new CounterBatch { JournalId = "j", From = 1, To = 2, Docs = [many[0], many[1]], Paths = ["2.c", "2.c"], Values = [1, 1], MetaSets = [], MetaValues = [] }, 0);
        Assert.True(await store.WriteAsync(table, 0));

        var reloaded = new CounterStore(key);
        await reloaded.LoadAsync(table);
        Assert.Equal(2, reloaded.Watermark("j"));
        Assert.Equal(1, reloaded.Read([many[0]]).Docs[many[0]]["2.c"]);
        Assert.Equal(3, reloaded.Read([many[119]]).Docs[many[119]]["1.c"]);
        var rows = await TableStore.ReadPartitionAsync(table, KeyEncoding.Encode(key.ToString()), "test");
        Assert.Equal(many.Length + 1, rows.Count);
    }

    [Fact]
    public async Task A_row_left_from_before_a_generation_is_never_deleted_once_written_again()
    {
        var table = await CountersAsync();
        var key = new CounterKey(App, 2025, Collections.Event("tap"));
        var partition = KeyEncoding.Encode(key.ToString());
        string[] docs = [.. Enumerable.Range(0, 150).Select(i => $"seg{i}|3")];
        var store = new CounterStore(key);

        // seg0 in place (generation 0), then every document in a checkpoint too large for one
        // transaction (a new generation); a crash right after its meta row leaves seg0's old row.
        store.Apply(new CounterBatch { JournalId = "j", From = 0, To = 1, Docs = [docs[0]], Paths = ["1.c"], Values = [1], MetaSets = [], MetaValues = [] }, 0);
        Assert.True(await store.WriteAsync(table, 0));
        var oldRow = (await TableStore.ReadPartitionAsync(table, partition, "test")).Single(r => r.RowKey != "~meta");
        store.Apply(new CounterBatch { JournalId = "j", From = 1, To = 2, Docs = docs, Paths = [.. docs.Select(_ => "1.c")], Values = [.. docs.Select(_ => 1m)], MetaSets = [], MetaValues = [] }, 0);
        Assert.True(await store.WriteAsync(table, 0));
        await table.UpsertEntityAsync(oldRow);

        // After a restart seg0 alone is written again, in place: over the old row's key.
        var restarted = new CounterStore(key);
        await restarted.LoadAsync(table);
        Assert.Equal(2, restarted.Read([docs[0]]).Docs[docs[0]]["1.c"]);
        restarted.Apply(new CounterBatch { JournalId = "j", From = 2, To = 3, Docs = [docs[0]], Paths = ["1.c"], Values = [1], MetaSets = [], MetaValues = [] }, 0);
        Assert.True(await restarted.WriteAsync(table, 0));

        var reloaded = new CounterStore(key);
        await reloaded.LoadAsync(table);
        Assert.Equal(3, reloaded.Watermark("j"));
        Assert.Equal(3, reloaded.Read([docs[0]]).Docs[docs[0]]["1.c"]);
        Assert.Equal(1, reloaded.Read([docs[149]]).Docs[docs[149]]["1.c"]);
    }

    [Fact]
    public async Task A_checkpoint_repeated_after_its_answer_was_lost_still_writes()
    {
        var table = await CountersAsync();
        var key = new CounterKey(App, 2025, Collections.Event("scroll"));
        string[] docs = [.. Enumerable.Range(0, 150).Select(i => $"seg{i}|3")];
        var seed = new CounterStore(key);
        seed.Apply(new CounterBatch { JournalId = "j", From = 0, To = 1, Docs = docs, Paths = [.. docs.Select(_ => "1.c")], Values = [.. docs.Select(_ => 1m)], MetaSets = [], MetaValues = [] }, 0);
        Assert.True(await seed.WriteAsync(table, 0));

        // Two copies of the same grain state: the first one's small checkpoint commits (its rows
        // of the old generation deleted after it); the second repeats it, as a retry whose first
        // answer was lost would.
        var first = new CounterStore(key);
        var second = new CounterStore(key);
        await first.LoadAsync(table);
        await second.LoadAsync(table);
        var small = new CounterBatch { JournalId = "j", From = 1, To = 2, Docs = [docs[0]], Paths = ["2.c"], Values = [1], MetaSets = [], MetaValues = [] };
        first.Apply(small, 0);
        second.Apply(small, 0);
        Assert.True(await first.WriteAsync(table, 0));

        Assert.True(await second.WriteAsync(table, 0));
        var reloaded = new CounterStore(key);
        await reloaded.LoadAsync(table);
        Assert.Equal(1, reloaded.Read([docs[0]]).Docs[docs[0]]["2.c"]);
        Assert.Equal(1, reloaded.Read([docs[1]]).Docs[docs[1]]["1.c"]);
    }

    [Fact]
    public void The_last_seen_index_keeps_no_zero_counts_and_no_more_paths_than_its_bound()
    {
        var store = new CounterStore(new CounterKey(App, 2025, Collections.LastSeen));

        // A device moving from one value to another, back and forth: no path left at zero.
        store.Apply(new CounterBatch { JournalId = "j", From = 0, To = 1, Docs = ["3", "3"], Paths = ["15.d.Pixel 7", "15.d.Pixel 8"], Values = [1, 0], MetaSets = [], MetaValues = [] }, 0);
        store.Apply(new CounterBatch { JournalId = "j", From = 1, To = 2, Docs = ["3", "3"], Paths = ["15.d.Pixel 7", "15.d.Pixel 8"], Values = [-1, 1], MetaSets = [], MetaValues = [] }, 0);
        Assert.Equal(["15.d.Pixel 8"], store.Read(["3"]).Docs["3"].Keys);

        // Values invented without end stop at the bound.
        string[] invented = [.. Enumerable.Range(0, CounterStore.MaxLastSeenPaths + 10).Select(i => "15.d.x" + i)];
        store.Apply(new CounterBatch { JournalId = "j", From = 2, To = 3, Docs = [.. invented.Select(_ => "3")], Paths = invented, Values = [.. invented.Select(_ => 1m)], MetaSets = [], MetaValues = [] }, 0);
        Assert.Equal(CounterStore.MaxLastSeenPaths, store.Read(["3"]).Docs["3"].Count);
    }

    /// <summary>A counters table of its own (a fresh prefix) on the shared Azurite.</summary>
    private Task<Azure.Data.Tables.TableClient> CountersAsync() =>
        new TableStore(Options.Create(new StorageOptions { ConnectionString = azurite.Azurite.ConnectionString, TablePrefix = AzuriteFixture.NewPrefix() })).CountersAsync();
}
