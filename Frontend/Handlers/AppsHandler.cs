using System.Text.Json;
using System.Text.Json.Nodes;
using Analytics.Frontend.Accounts;
using Analytics.Frontend.Events;
using Analytics.Frontend.Http;
using Analytics.Grains;
using Analytics.Grains.Accounts;
using Analytics.Grains.Domain;
using Microsoft.Extensions.Options;

namespace Analytics.Frontend.Handlers;

/// <summary>Countly's app management: <c>/i/apps/create|update|delete|reset</c> and <c>/o/apps/all|mine</c> (spec §5).</summary>
public sealed class AppsHandler(IGrainFactory grains, AccountsCache accounts, EventGate gate)
{
    private static readonly HashSet<string> Types = ["mobile", "web", "desktop"];

    /// <summary>Serves <c>/i/apps/*</c>.</summary>
    public async Task WriteAsync(ApiContext api)
    {
        if (api.Action is not ("create" or "update" or "delete" or "reset"))
        {
            await api.MessageAsync(400, "Invalid path, must be one of /create, /update, /delete or /reset");
            return;
        }

        if (await ApiAuth.MemberAsync(api, accounts) is not { } member)
        {
            return;
        }

        if (!api.Params.TryGetJson("args", out var args) || args.ValueKind != JsonValueKind.Object)
        {
            await api.MessageAsync(400, "Error: Missing 'args' parameter");
            return;
        }

        switch (api.Action)
        {
            case "create":
                await CreateAsync(api, member, args);
                break;
            case "update":
                await UpdateAsync(api, member, args);
                break;
            default:
                await DeleteOrResetAsync(api, member, args, reset: api.Action == "reset");
                break;
        }
    }

    /// <summary>Serves <c>/o/apps/all|mine</c>.</summary>
    public async Task ReadAsync(ApiContext api)
    {
        if (api.Action is not ("all" or "mine"))
        {
            await api.MessageAsync(400, "Invalid path, must be one of /all or /mine");
            return;
        }

        if (await ApiAuth.MemberAsync(api, accounts) is not { } member)
        {
            return;
        }

        if (api.Action == "all" && !await ApiAuth.RequireGlobalAdminAsync(api, member))
        {
            return;
        }

        var adminOf = new JsonObject();
        var userOf = new JsonObject();
        foreach (var app in accounts.Apps)
        {
            if (member.CanAdmin(app.Id))
            {
                adminOf[app.Id] = AppView.App(app);
            }
            else if (member.CanRead(app.Id))
            {
                userOf[app.Id] = AppView.App(app);
            }
        }

        await DataReply.WriteAsync(api, new JsonObject { ["admin_of"] = adminOf, ["user_of"] = userOf });
    }

    private async Task CreateAsync(ApiContext api, MemberRecord member, JsonElement args)
    {
        if (!await ApiAuth.RequireGlobalAdminAsync(api, member))
        {
            return;
        }

        var name = Text(args, "name");
        if (string.IsNullOrWhiteSpace(name))
        {
            await api.MessageAsync(400, "Error: Missing name argument");
            return;
        }

        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var key = Text(args, "key");
        var app = new AppRecord
        {
            Id = AccountRules.NewObjectId(),
            Name = Bounded(name, 256),
            Key = string.IsNullOrWhiteSpace(key) ? AccountRules.NewAppKey() : Bounded(key.Trim(), 64),
            Country = CountryOr(Text(args, "country"), "TR"),
            Timezone = TimeZones.IanaIdOf(Text(args, "timezone")) ?? TimeZones.Default,
            Category = Bounded(Text(args, "category") ?? "6", 16),
            Type = Types.Contains(Text(args, "type") ?? "") ? Text(args, "type")! : "mobile",
            CreatedAt = now,
            EditedAt = now,
            Owner = member.Id,
            Salt = Bounded(Text(args, "salt") ?? Text(args, "checksum_salt") ?? "", 256),
        };
        var change = await grains.GetGrain<IAccountsGrain>(0).CreateAppAsync(app);
        accounts.Apply(change.Snapshot);
        if (change.Error is not null)
        {
            await api.MessageAsync(change.Status, change.Error);
            return;
        }

        await DataReply.WriteAsync(api, AppView.App(change.App!));
    }

    private async Task UpdateAsync(ApiContext api, MemberRecord member, JsonElement args)
    {
        // The changes apply to the app as the cluster has it now, not to this frontend's copy,
        // which may be a refresh interval old: an edit made meanwhile through another frontend
        // (a rotated key, a pause, a salt) would otherwise be undone by this one.
        await accounts.RefreshAsync();
        if (await AppOfArgsAsync(api, member, args) is not { } app)
        {
            return;
        }

        var changed = new JsonObject();
        var updated = app;
        if (Text(args, "name") is { Length: > 0 } name)
        {
            updated = updated with { Name = Bounded(name, 256) };
            changed["name"] = updated.Name;
        }

        // Blank counts as not given, as at creation: trimmed to nothing it would leave the app
        // with an empty key, which no SDK request can name.
        if (Text(args, "key") is { } key && !string.IsNullOrWhiteSpace(key))
        {
            updated = updated with { Key = Bounded(key.Trim(), 64) };
            changed["key"] = updated.Key;
        }

        if (TimeZones.IanaIdOf(Text(args, "timezone")) is { } zone)
        {
            updated = updated with { Timezone = zone };
            changed["timezone"] = zone;
        }

        if (Text(args, "country") is { } country)
        {
            updated = updated with { Country = CountryOr(country, updated.Country) };
            changed["country"] = updated.Country;
        }

        if (Text(args, "category") is { } category)
        {
            updated = updated with { Category = Bounded(category, 16) };
            changed["category"] = updated.Category;
        }

        if (Text(args, "type") is { } type && Types.Contains(type))
        {
            updated = updated with { Type = type };
            changed["type"] = type;
        }

        foreach (var saltName in new[] { "salt", "checksum_salt" })
        {
            if (args.TryGetProperty(saltName, out var salt) && salt.ValueKind is JsonValueKind.String or JsonValueKind.Null)
            {
                updated = updated with { Salt = Bounded(salt.ValueKind == JsonValueKind.String ? salt.GetString()! : "", 256) };
                changed[saltName] = updated.Salt;
            }
        }

        if (args.TryGetProperty("paused", out var paused) && paused.ValueKind is JsonValueKind.True or JsonValueKind.False)
        {
            updated = updated with { Paused = paused.GetBoolean() };
            changed["paused"] = updated.Paused;
        }

        updated = updated with { EditedAt = DateTimeOffset.UtcNow.ToUnixTimeSeconds() };
        changed["edited_at"] = updated.EditedAt;
        var change = await grains.GetGrain<IAccountsGrain>(0).UpdateAppAsync(updated);
        accounts.Apply(change.Snapshot);
        if (change.Error is not null)
        {
            await api.MessageAsync(change.Status, change.Error);
            return;
        }

        await DataReply.WriteAsync(api, changed);
    }

    private async Task DeleteOrResetAsync(ApiContext api, MemberRecord member, JsonElement args, bool reset)
    {
        if (await AppOfArgsAsync(api, member, args) is not { } app)
        {
            return;
        }

        var accountsGrain = grains.GetGrain<IAccountsGrain>(0);
        var change = reset ? await accountsGrain.ResetAppAsync(app.Id) : await accountsGrain.DeleteAppAsync(app.Id);
        accounts.Apply(change.Snapshot);
        if (change.Error is not null)
        {
            await api.MessageAsync(change.Status, change.Error);
            return;
        }

        // Reset: the new epoch; delete: one past the last, so increments still on their way are
        // dropped (the stored app's: this frontend's copy may predate a reset made elsewhere).
        await grains.GetGrain<IAppDataGrain>(app.Id).EraseAsync(reset ? change.App!.Epoch : (change.App?.Epoch ?? app.Epoch) + 1);

        // The registry is empty now: keys any frontend knew must be registered again when they
        // come back. A frontend that took the new epoch while the erase ran may have cached the
        // registry as it was before it was cleared, under that epoch: a new events version makes
        // every frontend fetch it again.
        if (reset)
        {
            accounts.Apply((await accountsGrain.EventsDeletedAsync(app.Id)).Snapshot);
        }

        gate.Forget(app.Id);

        // Every other frontend (each silo's, each frontend process) stamps requests with the epoch
        // of its own accounts snapshot, and refuses writes once that is older than
        // AccountsCache.MaxAge. Answer once they all have the new one: a request any of them
        // acknowledges after this answer then belongs to the new epoch and is kept (those
        // acknowledged during the reset may be erased with it).
        await Task.Delay(AccountsCache.ChangeWait);
        await api.SuccessAsync();
    }

    private async Task<AppRecord?> AppOfArgsAsync(ApiContext api, MemberRecord member, JsonElement args)
    {
        var appId = Text(args, "app_id");
        if (string.IsNullOrEmpty(appId))
        {
            await api.MessageAsync(400, "Error: Missing app_id argument");
            return null;
        }

        if (!member.CanAdmin(appId))
        {
            await api.MessageAsync(401, "User does not have right");
            return null;
        }

        var app = accounts.AppById(appId);
        if (app is null)
        {
            await api.MessageAsync(400, "App does not exist");
        }

        return app;
    }

    private static string? Text(JsonElement args, string name) =>
        args.TryGetProperty(name, out var v) ? v.ValueKind switch
        {
            JsonValueKind.String => v.GetString(),
            JsonValueKind.Number => v.GetRawText(),
            _ => null,
        } : null;

    private static string Bounded(string value, int max) => value.Length > max ? value[..max] : value;

    private static string CountryOr(string? value, string fallback) =>
        value is { Length: 2 } && value.All(char.IsAsciiLetter) ? value.ToUpperInvariant() : fallback;
}
