using Analytics.Grains.Devices;

namespace Analytics.Tests.Grains;

public sealed class DevicePagesTests
{
    private const int Target = 4096;

    [Fact]
    public void New_devices_fill_pages_in_arrival_order_up_to_the_target()
    {
        var pages = new DevicePages(Target);
        for (var i = 0; i < 200; i++)
        {
            Assert.True(pages.Put(Id(i), 1, State(150, i)));
        }

        // 200 devices of about 150 + 8 + 12 bytes: about 34,000 bytes, 24 to a page.
        Assert.Equal(200, pages.Count);
        Assert.Equal(9, pages.PageCount);
        Assert.Equal(0, pages.PageOf(Id(0)));
        Assert.Equal(0, pages.PageOf(Id(23)));
        Assert.Equal(1, pages.PageOf(Id(24)));
        Assert.Equal(8, pages.PageOf(Id(199)));
        Assert.Equal(Enumerable.Range(0, 9), pages.TakeDirty().Select(p => p.Page));
        Assert.False(pages.HasDirty);
    }

    [Fact]
    public void A_returning_device_dirties_only_its_own_page_and_older_states_change_nothing()
    {
        var pages = Filled(100);
        pages.TakeDirty();

        Assert.False(pages.Put(Id(30), 1, State(150, 99)));
        Assert.False(pages.HasDirty);
        Assert.True(pages.Put(Id(30), 2, State(160, 7)));
        Assert.Equal([pages.PageOf(Id(30))], pages.TakeDirty().Select(p => p.Page));
        Assert.Equal(State(160, 7), pages.StateOf(Id(30)));
        Assert.Equal(2, pages.SeqOf(Id(30)));
        Assert.Null(pages.StateOf("never-seen"));
    }

    [Fact]
    public void Stored_pages_load_back_into_the_same_states_and_new_devices_continue_the_newest_page()
    {
        var pages = Filled(100);
        pages.Put(Id(5), 3, State(40, 5));
        var stored = pages.TakeDirty();

        var loaded = new DevicePages(Target);
        foreach (var (page, payload) in stored)
        {
            loaded.LoadPage(page, payload);
        }

        Assert.Equal(100, loaded.Count);
        Assert.False(loaded.HasDirty);
        for (var i = 0; i < 100; i++)
        {
            Assert.Equal(pages.StateOf(Id(i)), loaded.StateOf(Id(i)));
            Assert.Equal(pages.SeqOf(Id(i)), loaded.SeqOf(Id(i)));
            Assert.Equal(pages.PageOf(Id(i)), loaded.PageOf(Id(i)));
        }

        var newest = loaded.PageCount - 1;
        loaded.Put("newcomer", 1, State(150, 1));
        Assert.Equal(newest, loaded.PageOf("newcomer"));
        Assert.Equal([newest], loaded.TakeDirty().Select(p => p.Page));
    }

    [Fact]
    public void A_device_whose_state_outgrows_its_page_moves_to_the_newest_page_and_both_are_written()
    {
        var pages = Filled(100);
        pages.TakeDirty();

        Assert.True(pages.Put(Id(3), 2, State(5 * Target, 3)));
        var newest = pages.PageOf(Id(3));
        Assert.NotEqual(0, newest);
        Assert.Equal([0, newest], pages.TakeDirty().Select(p => p.Page).Order());

        // What the two pages now hold, loaded afresh: the device once, with its new state.
        var reloaded = new DevicePages(Target);
        var all = Enumerable.Range(0, pages.PageCount).Select(p => (p, pages.Encode(p))).ToList();
        foreach (var (page, payload) in all)
        {
            reloaded.LoadPage(page, payload);
        }

        Assert.Equal(100, reloaded.Count);
        Assert.Equal(2, reloaded.SeqOf(Id(3)));
        Assert.Equal(newest, reloaded.PageOf(Id(3)));
    }

    [Fact]
    public void Loading_a_device_found_in_two_pages_keeps_the_newer_state_and_rewrites_the_stale_page()
    {
        // A move that a crash interrupted: the old page still holds the old state.
        var before = Filled(30);
        var stalePage = before.Encode(0);
        before.Put(Id(2), 5, State(5 * Target, 2));
        var newPage = before.PageOf(Id(2));
        var newPayload = before.Encode(newPage);

        foreach (var order in new[] { true, false })
        {
            var loaded = new DevicePages(Target);
            if (order)
            {
                loaded.LoadPage(0, stalePage);
                loaded.LoadPage(newPage, newPayload);
            }
            else
            {
                loaded.LoadPage(newPage, newPayload);
                loaded.LoadPage(0, stalePage);
            }

            Assert.Equal(5, loaded.SeqOf(Id(2)));
            Assert.Equal(newPage, loaded.PageOf(Id(2)));
            Assert.Contains(0, loaded.TakeDirty().Select(p => p.Page));
        }
    }

    [Fact]
    public void Rows_of_one_device_from_the_old_layout_move_into_pages_and_are_listed_for_deletion()
    {
        var pages = new DevicePages(Target);
        pages.LoadLegacy("legacy~20one", "legacy one", 4, State(100, 1));
        pages.LoadLegacy("two", "two", 2, State(100, 2));

        Assert.Equal(2, pages.Count);
        Assert.Equal(["legacy~20one", "two"], pages.LegacyRows);
        Assert.Equal(4, pages.SeqOf("legacy one"));
        Assert.Equal([0], pages.TakeDirty().Select(p => p.Page));
        pages.LegacyRowsDeleted();
        Assert.Empty(pages.LegacyRows);
    }

    [Fact]
    public void A_failed_write_gives_its_pages_back()
    {
        var pages = Filled(100);
        var taken = pages.TakeDirty();
        Assert.False(pages.HasDirty);

        pages.MarkDirty(taken.Select(t => t.Page));
        Assert.Equal(taken.Select(t => t.Page), pages.TakeDirty().Select(t => t.Page));
    }

    [Theory]
    [InlineData("~p000000", 0)]
    [InlineData("~p00002a", 42)]
    [InlineData("~meta", -1)]
    [InlineData("~70abc", -1)]
    [InlineData("device-1", -1)]
    [InlineData("~pzzzzzz", -1)]
    public void Page_row_keys_are_told_apart_from_device_ids_and_the_meta_row(string rowKey, int expected)
    {
        Assert.Equal(expected >= 0, DevicePages.TryParseRowKey(rowKey, out var page));
        if (expected >= 0)
        {
            Assert.Equal(expected, page);
            Assert.Equal(rowKey, DevicePages.RowKey(page));
        }
    }

    private static DevicePages Filled(int devices)
    {
        var pages = new DevicePages(Target);
        for (var i = 0; i < devices; i++)
        {
            pages.Put(Id(i), 1, State(150, i));
        }

        return pages;
    }

    private static string Id(int i) => $"dev-{i:d4}";

    private static byte[] State(int length, int seed)
    {
        var state = new byte[length];
        new Random(seed).NextBytes(state);
        return state;
    }
}
