using Analytics.Grains;
using Analytics.Tests.Infrastructure;

namespace Analytics.Tests.Grains;

/// <summary>The event registry keeps a key it took while storage was down: the key's events are counted already.</summary>
[Collection(nameof(AzuriteCollection))]
public sealed class EventRegistryStorageTests(AzuriteFixture azurite)
{
    [Fact]
    public async Task A_key_taken_while_storage_was_down_is_written_by_the_next_registration()
    {
        await using var proxy = new FaultProxy(azurite.Azurite.Port);
        var viaProxy = azurite.Azurite.ConnectionStringVia(proxy.Port);
        await using var cluster = await PipelineCluster.StartAsync(viaProxy, AzuriteFixture.NewPrefix(), silos: 1);
        var registry = cluster.Client.GetGrain<IEventRegistryGrain>("5f0000000000000000000079");
        await registry.GetAsync();

        proxy.Break();
        await Assert.ThrowsAnyAsync<Exception>(() => registry.RegisterAsync(new Dictionary<string, string[]> { ["offline"] = [] }));
        proxy.Heal();

        // Known in memory now; the next registration (of anything) writes it.
        Assert.Contains("offline", (await registry.RegisterAsync(new Dictionary<string, string[]> { ["offline"] = [] })).List);
        await registry.AsReference<Orleans.Core.Internal.IGrainManagementExtension>().DeactivateOnIdle();
        await Task.Delay(500);

        Assert.Contains("offline", (await registry.GetAsync()).List);
    }
}
