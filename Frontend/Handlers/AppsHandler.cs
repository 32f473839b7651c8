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
            Country = CountryOr(Text(args, "country"), null) ?? "TR",
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
        // The app must be known here to check the rights: one created meanwhile through another
        // frontend may not be in this frontend's copy yet.
        await accounts.RefreshAsync();
        if (await AppOfArgsAsync(api, member, args) is not { } app)
        {
            return;
        }

        // Only the fields given: the grain sets them on the app as the cluster has it then, so an
        // edit made meanwhile through another frontend (a rotated key, a pause, a salt) stays.
        // The answer names the fields given in this order, with their new values (Countly's).
        var given = new List<string>();
        T? Given<T>(string field, T? value)
        {
            if (value is not null)
            {
                given.Add(field);
            }

            return value;
        }

        var name = Given("name", Text(args, "name") is { Length: > 0 } n ? Bounded(n, 256) : null);
        // Blank counts as not given, as at creation: trimmed to nothing it would leave the app
        // with an empty key, which no SDK request can name.
        var key = Given("key", Text(args, "key") is { } k && !string.IsNullOrWhiteSpace(k) ? Bounded(k.Trim(), 64) : null);
        var timezone = Given("timezone", TimeZones.IanaIdOf(Text(args, "timezone")));
        // An invalid country keeps the app's, and the answer names that.
        var countryText = Given("country", Text(args, "country"));
        var category = Given("category", Text(args, "category") is { } c ? Bounded(c, 16) : null);
        var type = Given("type", Text(args, "type") is { } t && Types.Contains(t) ? t : null);
        string? salt = null;
        foreach (var saltName in new[] { "salt", "checksum_salt" })
        {
            if (args.TryGetProperty(saltName, out var s) && s.ValueKind is JsonValueKind.String or JsonValueKind.Null)
            {
                salt = Given(saltName, Bounded(s.ValueKind == JsonValueKind.String ? s.GetString()! : "", 256));
            }
        }

        bool? paused = args.TryGetProperty("paused", out var p) && p.ValueKind is JsonValueKind.True or JsonValueKind.False ? p.GetBoolean() : null;
        if (paused is not null)
        {
            given.Add("paused");
        }

        var edit = new AppEdit
        {
            Id = app.Id,
            Name = name,
            Key = key,
            Timezone = timezone,
            Country = countryText is null ? null : CountryOr(countryText, null),
            Category = category,
            Type = type,
            Salt = salt,
            Paused = paused,
            EditedAt = DateTimeOffset.UtcNow.ToUnixTimeSeconds(),
        };
        var change = await grains.GetGrain<IAccountsGrain>(0).EditAppAsync(edit);
        accounts.Apply(change.Snapshot);
        if (change.Error is not null)
        {
            await api.MessageAsync(change.Status, change.Error);
            return;
        }

        var updated = change.App!;
        var changed = new JsonObject();
        foreach (var field in given)
        {
            changed[field] = field switch
            {
                "name" => updated.Name,
                "key" => updated.Key,
                "timezone" => updated.Timezone,
                "country" => updated.Country,
                "category" => updated.Category,
                "type" => updated.Type,
                "paused" => updated.Paused,
                _ => updated.Salt,
            };
        }

        changed["edited_at"] = updated.EditedAt;
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

    private static string? CountryOr(string? value, string? fallback) =>
        value is { Length: 2 } && value.All(char.IsAsciiLetter) ? value.ToUpperInvariant() : fallback;
}
