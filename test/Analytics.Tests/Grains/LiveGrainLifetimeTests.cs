using Analytics.Grains;
using Analytics.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Analytics.Tests.Grains;

/// <summary>
/// An app's live grain holds <c>live_graph</c>'s last 60 minutes in memory only: an idle spell must
/// not collect it while those minutes are still shown (Orleans' default is 15 idle minutes, after
/// which a burst 20 minutes ago read as zeros; found in the live review).
/// </summary>
[Collection(nameof(AzuriteCollection))]
public sealed class LiveGrainLifetimeTests(AzuriteFixture azurite)
{
    [Fact]
    public async Task A_live_grain_outlives_the_hour_its_graph_shows()
    {
        await using var cluster = await PipelineCluster.StartAsync(azurite.Azurite.ConnectionString, AzuriteFixture.NewPrefix());
        var services = cluster.Silos[0].ServiceProvider;
        var type = cluster.Client.GetGrain<ILiveGrain>("5f0000000000000000000001").GetGrainId().Type;

        var ageLimit = services.GetRequiredService<GrainTypeSharedContextResolver>().GetComponents(type).CollectionAgeLimit;

        Assert.True(ageLimit > TimeSpan.FromMinutes(60), $"collected after {ageLimit} idle");
    }
}
