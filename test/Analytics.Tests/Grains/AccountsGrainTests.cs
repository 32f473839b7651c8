using Analytics.Grains;
using Analytics.Tests.Infrastructure;

namespace Analytics.Tests.Grains;

/// <summary>
/// The accounts grain owns an app's reset epoch and events version: an edit made from a
/// frontend's copy of the app, which may be a refresh interval old, never takes them back.
/// </summary>
[Collection(nameof(AzuriteCollection))]
public sealed class AccountsGrainTests(AzuriteFixture azurite)
{
    [Fact]
    public async Task An_edit_from_a_copy_older_than_a_reset_or_an_event_delete_keeps_the_newer_epoch_and_events_version()
    {
        await using var cluster = await PipelineCluster.StartAsync(azurite.Azurite.ConnectionString, AzuriteFixture.NewPrefix());
        var accounts = cluster.Client.GetGrain<IAccountsGrain>(0);
        var created = (await accounts.CreateAppAsync(new AppRecord { Id = "5f00000000000000000000a1", Name = "App", Key = "key-a1" })).App!;

        // Made through other frontends meanwhile.
        Assert.Equal(1, (await accounts.ResetAppAsync(created.Id)).App!.Epoch);
        Assert.Equal(1, (await accounts.EventsDeletedAsync(created.Id)).App!.EventsVersion);

        // An edit from the copy taken before them (found in review: a lower epoch made every
        // counter grain of the app drop what was sent from then on).
        var edited = (await accounts.UpdateAppAsync(created with { Name = "Renamed" })).App!;

        Assert.Equal(("Renamed", 1, 1), (edited.Name, edited.Epoch, edited.EventsVersion));
        var stored = (await accounts.GetAsync()).Apps.Single(a => a.Id == created.Id);
        Assert.Equal((1, 1), (stored.Epoch, stored.EventsVersion));
        Assert.NotEqual(created.RegistryVersion, stored.RegistryVersion);
    }
}
