using Analytics.Grains;
using Analytics.Grains.Journal;
using Analytics.Grains.Pipeline;
using Analytics.Grains.Storage;
using Azure.Data.Tables;
using Microsoft.Extensions.Logging.Abstractions;

namespace Analytics.Tests.Grains;

public sealed class StateForwarderRoutingTests
{
    private const string App = "0123456789abcdef01234567";

    [Theory]
    [InlineData(16)]
    [InlineData(300)]
    public void The_entries_said_to_go_to_a_bucket_are_those_of_its_devices_with_a_state(int buckets)
    {
        var options = new StorageOptions { DeviceBuckets = buckets };
        var forwarder = new StateForwarder(null!, new TableStore(new TableServiceClient("UseDevelopmentStorage=true"), "t"), "j", options, NullLogger.Instance);
        var entries = Enumerable.Range(0, 400).Select(i => Entry(i % 7 == 0 ? "5f0000000000000000000099" : App, $"device-{i}", withState: i % 5 != 0)).ToList();

        foreach (var key in DeviceBuckets.AllOf(App, buckets))
        {
            var routes = forwarder.RoutesTo(key);
            var expected = entries.Where(e => e.StateAfter is not null && e.Request.AppId == App && DeviceBuckets.KeyOf(App, e.Request.DeviceId, buckets) == key);
            Assert.Equal(expected, entries.Where(routes));
        }

        Assert.Throws<ArgumentException>(() => forwarder.RoutesTo(App));
    }

    private static JournalEntry Entry(string appId, string deviceId, bool withState) => new()
    {
        Seq = 1,
        StateBefore = [],
        Request = new IngestRequest { AppId = appId, DeviceId = deviceId, TimeZone = "UTC" },
        StateAfter = withState ? [1] : null,
    };
}
