using System.Text.Json;
using Analytics.Frontend.Accounts;
using Analytics.Frontend.Http;
using Analytics.Grains;
using Analytics.Grains.Accounts;

namespace Analytics.Frontend.Handlers;

/// <summary>Countly's member management: <c>/i/users/create|update|delete</c> (spec §5), global admins only.</summary>
public sealed class UsersHandler(IGrainFactory grains, AccountsCache accounts)
{
    /// <summary>Serves <c>/i/users/*</c>.</summary>
    public async Task WriteAsync(ApiContext api)
    {
        if (api.Action is not ("create" or "update" or "delete"))
        {
            await api.MessageAsync(400, "Invalid path, must be one of /create, /update, /deleteOwnAccount or /delete");
            return;
        }

        if (await ApiAuth.MemberAsync(api, accounts) is not { } member || !await ApiAuth.RequireGlobalAdminAsync(api, member))
        {
            return;
        }

        if (!api.Params.TryGetJson("args", out var args) || args.ValueKind != JsonValueKind.Object)
        {
            await api.MessageAsync(400, "Error: Missing 'args' parameter");
            return;
        }

        var accountsGrain = grains.GetGrain<IAccountsGrain>(0);
        switch (api.Action)
        {
            case "create":
                await CreateAsync(api, accountsGrain, args);
                break;
            case "update":
                await UpdateAsync(api, accountsGrain, args);
                break;
            default:
                await DeleteAsync(api, accountsGrain, member, args);
                break;
        }
    }

    private async Task DeleteAsync(ApiContext api, IAccountsGrain accountsGrain, MemberRecord member, JsonElement args)
    {
        // Countly's argument check (validateArgs: a required Array) and its messages.
        if (!args.TryGetProperty("user_ids", out var list))
        {
            await api.MessageAsync(400, "Error: Missing user_ids argument");
            return;
        }

        if (list.ValueKind != JsonValueKind.Array)
        {
            await api.MessageAsync(400, "Error: Invalid type for user_ids");
            return;
        }

        // A member cannot delete their own account this way, as in Countly (which skips that id):
        // otherwise the last global admin could remove themselves and leave nobody to manage apps.
        var ids = list.EnumerateArray()
            .Where(e => e.ValueKind == JsonValueKind.String)
            .Select(e => e.GetString()!)
            .Where(id => id.Length > 0 && id != member.Id)
            .Distinct(StringComparer.Ordinal)
            .ToArray();
        if (ids.Length > 0)
        {
            accounts.Apply((await accountsGrain.DeleteMembersAsync(ids)).Snapshot);
        }

        await api.SuccessAsync();
    }

    private async Task CreateAsync(ApiContext api, IAccountsGrain accountsGrain, JsonElement args)
    {
        foreach (var required in new[] { "full_name", "username", "password", "email" })
        {
            if (string.IsNullOrWhiteSpace(Text(args, required)))
            {
                await Reply.MessageArrayAsync(api.Http, 400, $"Value of '{required}' is required", api.Callback);
                return;
            }
        }

        var apiKey = AccountRules.NewApiKey();
        var member = new MemberRecord
        {
            Id = AccountRules.NewObjectId(),
            Username = Bounded(Text(args, "username")!, 128),
            Email = Bounded(Text(args, "email")!, 256),
            FullName = Bounded(Text(args, "full_name")!, 256),
            PasswordHash = AccountRules.HashPassword(Text(args, "password")!),
            ApiKeyHash = AccountRules.HashApiKey(apiKey),
            GlobalAdmin = Bool(args, "global_admin") ?? false,
            AdminOf = Apps(args, "admin_of", "a"),
            UserOf = Apps(args, "user_of", "u"),
            CreatedAt = DateTimeOffset.UtcNow.ToUnixTimeSeconds(),
        };
        var change = await accountsGrain.CreateMemberAsync(member);
        accounts.Apply(change.Snapshot);
        if (change.Error is not null)
        {
            await Reply.MessageArrayAsync(api.Http, change.Status, change.Error, api.Callback);
            return;
        }

        await DataReply.WriteAsync(api, AppView.Member(member, apiKey));
    }

    private async Task UpdateAsync(ApiContext api, IAccountsGrain accountsGrain, JsonElement args)
    {
        var id = Text(args, "user_id");
        if (id is null)
        {
            await api.MessageAsync(400, "User does not exist");
            return;
        }

        // Only the fields given: the grain sets them on the member as the cluster has it then, so
        // a lock or a change of rights made meanwhile (through this or another frontend) stays.
        var edit = new MemberEdit
        {
            Id = id,
            Username = Text(args, "username") is { Length: > 0 } u ? Bounded(u, 128) : null,
            Email = Text(args, "email") is { Length: > 0 } e ? Bounded(e, 256) : null,
            FullName = Text(args, "full_name") is { Length: > 0 } f ? Bounded(f, 256) : null,
            PasswordHash = Text(args, "password") is { Length: > 0 } p ? AccountRules.HashPassword(p) : null,
            GlobalAdmin = Bool(args, "global_admin"),
            Locked = Bool(args, "locked"),
            AdminOf = Has(args, "admin_of", "a") ? Apps(args, "admin_of", "a") : null,
            UserOf = Has(args, "user_of", "u") ? Apps(args, "user_of", "u") : null,
        };
        var change = await accountsGrain.EditMemberAsync(edit);
        accounts.Apply(change.Snapshot);
        if (change.Error is not null)
        {
            await api.MessageAsync(change.Status, change.Error);
            return;
        }

        await api.SuccessAsync();
    }

    private static bool Has(JsonElement args, string name, string permissionKey) =>
        args.TryGetProperty(name, out _) || (args.TryGetProperty("permission", out var p) && p.ValueKind == JsonValueKind.Object && p.TryGetProperty("_", out var u) && u.ValueKind == JsonValueKind.Object && u.TryGetProperty(permissionKey, out _));

    /// <summary>App ids from <c>admin_of</c>/<c>user_of</c>, or from Countly's newer <c>permission._.a</c>/<c>permission._.u</c>.</summary>
    private static List<string> Apps(JsonElement args, string name, string permissionKey)
    {
        var result = new List<string>();
        if (args.TryGetProperty(name, out var list))
        {
            Collect(list, result);
        }

        if (args.TryGetProperty("permission", out var p) && p.ValueKind == JsonValueKind.Object && p.TryGetProperty("_", out var u) && u.ValueKind == JsonValueKind.Object && u.TryGetProperty(permissionKey, out var apps))
        {
            Collect(apps, result);
        }

        return result.Where(AccountRules.IsObjectId).Distinct().Take(10_000).ToList();
    }

    private static void Collect(JsonElement value, List<string> into)
    {
        if (value.ValueKind == JsonValueKind.String)
        {
            into.Add(value.GetString()!);
        }
        else if (value.ValueKind == JsonValueKind.Array)
        {
            foreach (var item in value.EnumerateArray())
            {
                Collect(item, into);
            }
        }
    }

    private static string? Text(JsonElement args, string name) =>
        args.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    private static bool? Bool(JsonElement args, string name) =>
        args.TryGetProperty(name, out var v) ? v.ValueKind switch
        {
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            JsonValueKind.String => v.GetString() is "true" or "1",
            JsonValueKind.Number => v.TryGetInt32(out var n) && n != 0,
            _ => null,
        } : null;

    private static string Bounded(string value, int max) => value.Length > max ? value[..max] : value;
}
