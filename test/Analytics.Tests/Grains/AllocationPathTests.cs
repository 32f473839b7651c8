using Analytics.Grains;
using Analytics.Grains.Domain;
using Analytics.Grains.Journal;
using Xunit;

namespace Analytics.Tests.Grains;

/// <summary>The shared paths and pooled increments of the write path (docs/performance.md, item 22) change no value.</summary>
public sealed class AllocationPathTests
{
    public static TheoryData<string> Props => ["t", "n", "u", "e", "d", "c", "s", "dur", "DE.t", "Android.u", "f.0", "x", "du"];

    [Theory]
    [MemberData(nameof(Props))]
    public void Time_paths_equal_their_concatenation_for_every_level(string prop)
    {
        for (var day = 0; day <= 31; day++)
        {
            Assert.Equal($"{day}.{prop}", TimePaths.Day(day, prop));
            for (var hour = 0; hour < 24; hour++)
            {
                Assert.Equal($"{day}.{hour}.{prop}", TimePaths.Hour(day, hour, prop));
            }
        }

        for (var month = 0; month <= 12; month++)
        {
            Assert.Equal($"{month}.{prop}", TimePaths.Month(month, prop));
        }

        for (var week = 0; week <= 53; week++)
        {
            Assert.Equal($"w{week}.{prop}", TimePaths.Week(week, prop));
        }

        // Out of the tables' range, still right.
        Assert.Equal($"40.{prop}", TimePaths.Day(40, prop));
        Assert.Equal($"3.24.{prop}", TimePaths.Hour(3, 24, prop));
        Assert.Equal($"w60.{prop}", TimePaths.Week(60, prop));
    }

    [Fact]
    public void The_common_props_share_one_instance_per_path()
    {
        Assert.Same(TimePaths.Day(27, "e"), TimePaths.Day(27, "e"));
        Assert.Same(TimePaths.Hour(27, 13, "dur"), TimePaths.Hour(27, 13, "dur"));
        Assert.NotSame(TimePaths.Day(27, "DE.t"), TimePaths.Day(27, "DE.t"));
    }

    [Fact]
    public void Increments_grow_past_their_capacity_keep_their_order_and_read_empty_once_released()
    {
        var increments = new CounterIncrements(capacity: 2);
        for (var i = 0; i < 300; i++)
        {
            increments.Add("users", 2026, "11", "27." + i, i);
        }

        for (var i = 0; i < 20; i++)
        {
            increments.Meta("users", 2026, "countries", "C" + i);
        }

        Assert.Equal(300, increments.Items.Length);
        Assert.Equal(20, increments.MetaItems.Length);
        for (var i = 0; i < 300; i++)
        {
            Assert.Equal(new CounterIncrements.Item("users", 2026, "11", "27." + i, i), increments.Items[i]);
        }

        Assert.Equal("C19", increments.MetaItems[19].Value);

        increments.Release();
        Assert.Equal(0, increments.Items.Length);
        Assert.Equal(0, increments.MetaItems.Length);

        // A released instance is empty, not broken: another release does nothing, adding works again.
        increments.Release();
        increments.Add("users", 2026, "0", "u", 1);
        Assert.Equal(1, increments.Items.Length);
    }

    [Fact]
    public void Instances_on_reused_arrays_start_empty_and_hold_only_their_own_increments()
    {
        // Many rounds of rent and return: a reused array must never show another request's increments.
        for (var round = 0; round < 50; round++)
        {
            var increments = new CounterIncrements(CounterIncrements.CapacityFor(new IngestRequest { AppId = "a", DeviceId = "d", TimeZone = "UTC", BeginSession = true }));
            Assert.Equal(0, increments.Items.Length);
            Assert.Equal(0, increments.MetaItems.Length);
            for (var i = 0; i < round; i++)
            {
                increments.Add("users", 2026, "11", "p" + round, 1);
                increments.Meta("users", 2026, "s", "v" + round);
            }

            Assert.All(increments.Items.ToArray(), item => Assert.Equal("p" + round, item.Path));
            increments.Release();
        }
    }
}
