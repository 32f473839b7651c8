using System.Reflection;
using Analytics.Frontend.Events;
using Analytics.Grains;
using Analytics.Tests.Infrastructure;

namespace Analytics.Tests.Grains;

/// <summary>
/// The event gate in front of an app's registry: once its cached registry shows the app's 500
/// keys (or an event's 100 segment keys), new ones are dropped without asking the registry, which
/// could only refuse them. An app past its limit that keeps sending new keys (keys made of ids)
/// cost a registry call and a rebuilt cache per request before (found in review).
/// </summary>
[Collection(nameof(AzuriteCollection))]
public sealed class EventGateTests(AzuriteFixture azurite)
{
    [Fact]
    public async Task Past_the_apps_limits_new_keys_and_segments_are_dropped_without_a_registry_call()
    {
        await using var cluster = await PipelineCluster.StartAsync(azurite.Azurite.ConnectionString, AzuriteFixture.NewPrefix());
        var counting = CountingGrainFactory.Wrap(cluster.Client, out var calls);
        var gate = new EventGate(counting);
        const string appId = "5f00000000000000000000e1";
        var full = Enumerable.Range(0, IEventRegistryGrain.EventLimit)
            .Select(i => new IngestEvent { Key = $"k{i}", Timestamp = 1, Segments = i == 0 ? Segments(IEventRegistryGrain.SegmentationLimit) : [] })
            .ToList();
        Assert.Equal(full.Count, (await gate.FilterAsync(appId, 0, full)).Count);
        var before = calls.Count;

        var newKey = await gate.FilterAsync(appId, 0, [new IngestEvent { Key = "new", Timestamp = 2 }, new IngestEvent { Key = "k1", Timestamp = 2 }]);
        var newSegment = await gate.FilterAsync(appId, 0, [new IngestEvent { Key = "k0", Timestamp = 3, Segments = [new("s0", "a"), new("extra", "b")] }]);

        Assert.Equal(["k1"], newKey.Select(e => e.Key));
        Assert.Equal(["s0"], newSegment.Single().Segments.Select(s => s.Key));
        Assert.Equal(before, calls.Count);
        var registry = await cluster.Client.GetGrain<IEventRegistryGrain>(appId).GetAsync();
        Assert.DoesNotContain("new", registry.List);
        Assert.DoesNotContain("extra", registry.Segments["k0"]);
    }

    private static List<KeyValuePair<string, string>> Segments(int count) =>
        [.. Enumerable.Range(0, count).Select(i => new KeyValuePair<string, string>($"s{i}", "v"))];

    /// <summary>An <see cref="IGrainFactory"/> that counts the references it hands out to event registries.</summary>
    public class CountingGrainFactory : DispatchProxy
    {
        private IGrainFactory _inner = null!;
        private List<string> _calls = null!;

        public static IGrainFactory Wrap(IGrainFactory inner, out List<string> calls)
        {
            var proxy = Create<IGrainFactory, CountingGrainFactory>();
            var self = (CountingGrainFactory)(object)proxy;
            self._inner = inner;
            self._calls = calls = [];
            return proxy;
        }

        protected override object? Invoke(MethodInfo? targetMethod, object?[]? args)
        {
            if (targetMethod is { IsGenericMethod: true } && targetMethod.GetGenericArguments()[0] == typeof(IEventRegistryGrain))
            {
                lock (_calls)
                {
                    _calls.Add(targetMethod.Name);
                }
            }

            return targetMethod!.Invoke(_inner, args);
        }
    }
}
