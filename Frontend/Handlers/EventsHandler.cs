using System.Text.Json;
using Analytics.Frontend.Accounts;
using Analytics.Frontend.Events;
using Analytics.Frontend.Http;
using Analytics.Grains;
using Analytics.Grains.Counters;

namespace Analytics.Frontend.Handlers;

/// <summary>Countly's event management: <c>/i/events/edit_map|change_visibility|delete_events</c> (app admins).</summary>
public sealed class EventsHandler(IGrainFactory grains, AccountsCache accounts, EventGate gate)
{
    private const string CouldNotFindEvent = "Could not find event";

    /// <summary>Countly's cap on the events overview.</summary>
    private const int MaxOverview = 12;

    /// <summary>Serves <c>/i/events/*</c>.</summary>
    public async Task WriteAsync(ApiContext api)
    {
        if (api.Action is not ("edit_map" or "change_visibility" or "delete_events"))
        {
            await api.MessageAsync(400, "Invalid path, must be one of /edit_map, /change_visibility or /delete_events");
            return;
        }

        // Countly checks app_id up front for edit_map only; the other two find out in their
        // rights check (validateUpdate/validateDelete), after the member.
        var appId = api.Params.GetString("app_id");
        if (string.IsNullOrEmpty(appId) && api.Action == "edit_map")
        {
            await api.MessageAsync(400, "Missing parameter \"app_id\"");
            return;
        }

        if (await ApiAuth.MemberAsync(api, accounts, lockedLater: true) is not { } member)
        {
            return;
        }

        string[]? keys = null;
        if (api.Action != "edit_map")
        {
            keys = api.Params.TryGetJson("events", out var ev) && ev.ValueKind == JsonValueKind.Array ? Keys(ev) : [];
        }

        if (string.IsNullOrEmpty(appId))
        {
            // A global admin passes Countly's rights check without an app, then its lock check, and
            // then finds no events document.
            await (!member.GlobalAdmin ? api.MessageAsync(401, "No app_id provided")
                : member.Locked ? api.MessageAsync(401, "User is locked")
                : NoEventsAsync(api, keys));
            return;
        }

        if (!member.CanAdmin(appId))
        {
            await api.MessageAsync(401, "User does not have right");
            return;
        }

        if (member.Locked)
        {
            await api.MessageAsync(401, "User is locked");
            return;
        }

        if (accounts.AppById(appId) is not { } app)
        {
            await api.MessageAsync(401, "App does not exist");
            return;
        }

        if (api.Action == "delete_events" && keys is [])
        {
            await NoEventsAsync(api, keys);
            return;
        }

        var registry = grains.GetGrain<IEventRegistryGrain>(appId);
        if (!(await registry.GetAsync()).Exists)
        {
            // No events document yet (nothing sent since the app was created or reset).
            await api.MessageAsync(400, CouldNotFindEvent);
            return;
        }

        switch (api.Action)
        {
            case "edit_map":
                // The overview itself is not kept (get_events shows it empty), but its cap refuses
                // the whole edit as Countly's does.
                if (api.Params.TryGetJson("event_overview", out var overview) && overview.ValueKind == JsonValueKind.Array && overview.GetArrayLength() > MaxOverview)
                {
                    await api.MessageAsync(400, "You can't add more than 12 items in overview");
                    return;
                }

                var map = new Dictionary<string, EventSettings>(StringComparer.Ordinal);
                if (api.Params.TryGetJson("event_map", out var eventMap) && eventMap.ValueKind == JsonValueKind.Object)
                {
                    foreach (var e in eventMap.EnumerateObject().Take(IEventRegistryGrain.EventLimit))
                    {
                        if (e.Value.ValueKind == JsonValueKind.Object)
                        {
                            map[e.Name] = new EventSettings
                            {
                                Name = Text(e.Value, "name"),
                                Description = Text(e.Value, "description"),
                                Count = Text(e.Value, "count"),
                                Sum = Text(e.Value, "sum"),
                                Dur = Text(e.Value, "dur"),
                                IsVisible = !e.Value.TryGetProperty("is_visible", out var v) || v.ValueKind != JsonValueKind.False,
                            };
                        }
                    }
                }

                string[]? order = api.Params.TryGetJson("event_order", out var o) && o.ValueKind == JsonValueKind.Array ? Keys(o) : null;
                await registry.EditEventMapAsync(eventMap.ValueKind == JsonValueKind.Object ? map : null, order);
                break;
            case "change_visibility":
                await registry.ChangeVisibilityAsync(keys!, api.Params.GetString("set_visibility") != "hide");
                break;
            default:
                var deleted = keys!;
                await registry.DeleteAsync(deleted);
                try
                {
                    await grains.GetGrain<IAppDataGrain>(appId).EraseEventsAsync([.. deleted], app.Epoch);
                }
                finally
                {
                    // Every frontend's cache of the registry still has the deleted keys (also when
                    // the erase failed: they are gone from the registry): a new version makes each
                    // drop it at its next accounts refresh, so a deleted key sent again is
                    // registered again (and read) whichever frontend takes it.
                    accounts.Apply((await grains.GetGrain<IAccountsGrain>(0).EventsDeletedAsync(appId)).Snapshot);
                    gate.Forget(appId);
                }

                // Answer once every frontend has the new version, as a reset does.
                await Task.Delay(AccountsCache.ChangeWait);
                break;
        }

        gate.Forget(appId);
        await api.SuccessAsync();
    }

    /// <summary>
    /// Countly's answers when there is nothing to act on: delete_events without events (checked
    /// first), else no events document for the app.
    /// </summary>
    private static Task NoEventsAsync(ApiContext api, string[]? keys) =>
        api.MessageAsync(400, api.Action == "delete_events" && keys is [] ? "Missing events to delete" : CouldNotFindEvent);

    private static string[] Keys(JsonElement array) =>
        array.EnumerateArray().Where(e => e.ValueKind == JsonValueKind.String).Select(e => e.GetString()!).Take(IEventRegistryGrain.EventLimit).ToArray();

    private static string? Text(JsonElement obj, string name) =>
        obj.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
}
