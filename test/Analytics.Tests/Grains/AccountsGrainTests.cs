using System.Text.Json.Nodes;
using Analytics.Grains;
using Analytics.Grains.Accounts;
using Analytics.Grains.Counters;
using Analytics.Tests.Infrastructure;
using Microsoft.Extensions.Options;
using Orleans.Serialization;
using Orleans.Storage;

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
        var edited = (await accounts.EditAppAsync(new AppEdit { Id = created.Id, Name = "Renamed" })).App!;

        Assert.Equal(("Renamed", 1, 1), (edited.Name, edited.Epoch, edited.EventsVersion));
        var stored = (await accounts.GetAsync()).Apps.Single(a => a.Id == created.Id);
        Assert.Equal((1, 1), (stored.Epoch, stored.EventsVersion));
        Assert.NotEqual(created.RegistryVersion, stored.RegistryVersion);
    }

    /// <summary>
    /// A frontend that takes a reset's new epoch while the reset's erase still runs caches the
    /// registry as it was before the erase cleared it; the events version the reset then
    /// increments (as <c>AppsHandler</c> does after the erase) makes it fetch the registry again,
    /// so a key sent again afterwards is registered again (found in review).
    /// </summary>
    [Fact]
    public async Task A_frontend_that_cached_the_registry_during_a_resets_erase_registers_a_returning_key_again()
    {
        await using var cluster = await PipelineCluster.StartAsync(azurite.Azurite.ConnectionString, AzuriteFixture.NewPrefix());
        var accounts = cluster.Client.GetGrain<IAccountsGrain>(0);
        var app = (await accounts.CreateAppAsync(new AppRecord { Id = "5f00000000000000000000c1", Name = "App", Key = "key-c1" })).App!;
        var gate = new Analytics.Frontend.Events.EventGate(cluster.Client);
        IReadOnlyList<IngestEvent> buy = [new IngestEvent { Key = "buy", Timestamp = 1 }];
        await gate.FilterAsync(app.Id, app.RegistryVersion, buy);
        var registry = cluster.Client.GetGrain<IEventRegistryGrain>(app.Id);

        // The reset's first step; then this frontend takes its epoch and caches the registry.
        var reset = (await accounts.ResetAppAsync(app.Id)).App!;
        await gate.FilterAsync(app.Id, reset.RegistryVersion, [new IngestEvent { Key = "other", Timestamp = 2 }]);

        // The erase clears the registry; then the events version.
        await cluster.Client.GetGrain<IAppDataGrain>(app.Id).EraseAsync(reset.Epoch);
        Assert.DoesNotContain("buy", (await registry.GetAsync()).List);
        var after = (await accounts.EventsDeletedAsync(app.Id)).App!;

        Assert.Single(await gate.FilterAsync(app.Id, after.RegistryVersion, buy));
        Assert.Contains("buy", (await registry.GetAsync()).List);
    }

    [Fact]
    public async Task A_member_edited_from_a_copy_older_than_a_key_replacement_keeps_the_new_key()
    {
        await using var cluster = await PipelineCluster.StartAsync(azurite.Azurite.ConnectionString, AzuriteFixture.NewPrefix());
        var accounts = cluster.Client.GetGrain<IAccountsGrain>(0);
        var admin = (await accounts.EnsureAdminAsync(AccountRules.HashApiKey("old-key"), replaceExistingKey: true)).Snapshot.Members.Single(m => m.GlobalAdmin);

        // The admin key replaced (a silo started with a new Analytics__AdminApiKey), then an edit from the copy before.
        await accounts.EnsureAdminAsync(AccountRules.HashApiKey("new-key"), replaceExistingKey: true);
        var edited = (await accounts.EditMemberAsync(new MemberEdit { Id = admin.Id, FullName = "Renamed" })).Member!;

        Assert.Equal(("Renamed", AccountRules.HashApiKey("new-key")), (edited.FullName, edited.ApiKeyHash));
    }

    /// <summary>
    /// Frontends of the previous version send their whole copy of an app or member (the calls kept
    /// for a rolling upgrade): the epoch, the events version and the api key stay the stored ones.
    /// </summary>
    [Fact]
    public async Task A_whole_record_update_from_an_earlier_version_keeps_the_server_owned_fields()
    {
        await using var cluster = await PipelineCluster.StartAsync(azurite.Azurite.ConnectionString, AzuriteFixture.NewPrefix());
        var accounts = cluster.Client.GetGrain<IAccountsGrain>(0);
        var app = (await accounts.CreateAppAsync(new AppRecord { Id = "5f00000000000000000000d1", Name = "App", Key = "key-d1" })).App!;
        var admin = (await accounts.EnsureAdminAsync(AccountRules.HashApiKey("old-key"), replaceExistingKey: true)).Snapshot.Members.Single(m => m.GlobalAdmin);
        await accounts.ResetAppAsync(app.Id);
        await accounts.EventsDeletedAsync(app.Id);
        await accounts.EnsureAdminAsync(AccountRules.HashApiKey("new-key"), replaceExistingKey: true);

        var editedApp = (await accounts.UpdateAppAsync(app with { Name = "Renamed" })).App!;
        var editedAdmin = (await accounts.UpdateMemberAsync(admin with { FullName = "Renamed" })).Member!;

        Assert.Equal(("Renamed", 1, 1), (editedApp.Name, editedApp.Epoch, editedApp.EventsVersion));
        Assert.Equal(("Renamed", AccountRules.HashApiKey("new-key")), (editedAdmin.FullName, editedAdmin.ApiKeyHash));
    }

    /// <summary>
    /// Two admins edit one member at about the same time, the second from the copy it read before
    /// the first's change (found in the access audit: the grain stored the caller's whole record,
    /// so a revocation or a lock made meanwhile was undone by an unrelated edit).
    /// </summary>
    [Fact]
    public async Task A_member_edit_keeps_a_lock_and_a_revocation_made_after_the_editor_read_the_member()
    {
        await using var cluster = await PipelineCluster.StartAsync(azurite.Azurite.ConnectionString, AzuriteFixture.NewPrefix());
        var accounts = cluster.Client.GetGrain<IAccountsGrain>(0);
        var member = (await accounts.CreateMemberAsync(new MemberRecord { Id = "5f00000000000000000000e1", Username = "m", ApiKeyHash = "h", AdminOf = ["5f00000000000000000000e2"] })).Member!;

        await accounts.EditMemberAsync(new MemberEdit { Id = member.Id, AdminOf = [], Locked = true });
        await accounts.EditMemberAsync(new MemberEdit { Id = member.Id, FullName = "Renamed" });

        var stored = (await accounts.GetAsync()).Members.Single(m => m.Id == member.Id);
        Assert.Equal(("Renamed", 0, true), (stored.FullName, stored.AdminOf.Count, stored.Locked));
    }

    /// <summary>
    /// An app's key rotated (it leaked) while another admin renames the app: the rename must not
    /// bring the old key back (found in the access audit, as for members).
    /// </summary>
    [Fact]
    public async Task An_app_edit_keeps_a_key_rotated_after_the_editor_read_the_app()
    {
        await using var cluster = await PipelineCluster.StartAsync(azurite.Azurite.ConnectionString, AzuriteFixture.NewPrefix());
        var accounts = cluster.Client.GetGrain<IAccountsGrain>(0);
        var app = (await accounts.CreateAppAsync(new AppRecord { Id = "5f00000000000000000000e3", Name = "App", Key = "leaked-key" })).App!;

        await accounts.EditAppAsync(new AppEdit { Id = app.Id, Key = "rotated-key" });
        await accounts.EditAppAsync(new AppEdit { Id = app.Id, Name = "Renamed" });

        var stored = (await accounts.GetAsync()).Apps.Single(a => a.Id == app.Id);
        Assert.Equal(("Renamed", "rotated-key"), (stored.Name, stored.Key));
    }

    /// <summary>
    /// A change whose storage write failed is not made: its caller was told so, and nobody else
    /// may be shown it (found in review: the state kept it in memory, and frontends served it).
    /// </summary>
    [Fact]
    public async Task A_change_whose_write_fails_is_not_made()
    {
        await using var proxy = new FaultProxy(azurite.Azurite.Port);
        await using var cluster = await PipelineCluster.StartAsync(azurite.Azurite.ConnectionStringVia(proxy.Port), AzuriteFixture.NewPrefix());
        var accounts = cluster.Client.GetGrain<IAccountsGrain>(0);
        await accounts.CreateAppAsync(new AppRecord { Id = "5f00000000000000000000d1", Name = "First", Key = "key-d1" });
        var before = await accounts.GetAsync();

        proxy.Break();
        await Assert.ThrowsAnyAsync<Exception>(() => accounts.CreateAppAsync(new AppRecord { Id = "5f00000000000000000000d2", Name = "Second", Key = "key-d2" }));
        proxy.Heal();

        var after = await accounts.GetAsync();
        Assert.Equal(before.Version, after.Version);
        Assert.DoesNotContain(after.Apps, a => a.Id == "5f00000000000000000000d2");
        Assert.NotNull((await accounts.CreateAppAsync(new AppRecord { Id = "5f00000000000000000000d2", Name = "Second", Key = "key-d2" })).App);
    }

    [Fact]
    public void Accounts_stored_before_the_events_version_load_with_version_zero()
    {
        var serializer = new SystemTextJsonGrainStorageSerializer(Options.Create(new SystemTextJsonGrainStorageSerializerOptions()));
        var state = new AccountsState { Version = 3, Apps = [new AppRecord { Id = "a", Name = "n", Key = "k", Epoch = 2, EventsVersion = 5 }] };
        var json = JsonNode.Parse(serializer.Serialize(state).ToString())!;
        var app = json["Apps"]![0]!.AsObject();
        Assert.False(app.ContainsKey("RegistryVersion"));
        app.Remove("EventsVersion");

        var back = serializer.Deserialize<AccountsState>(BinaryData.FromString(json.ToJsonString()))!;

        Assert.Equal((2, 0, 2L << 32), (back.Apps[0].Epoch, back.Apps[0].EventsVersion, back.Apps[0].RegistryVersion));
    }
}
