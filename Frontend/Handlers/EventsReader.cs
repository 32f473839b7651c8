using System.Text.Json;
using System.Text.Json.Nodes;
using Analytics.Frontend.Http;
using Analytics.Frontend.Ingest;
using Analytics.Frontend.Output;
using Analytics.Grains;
using Analytics.Grains.Domain;

namespace Analytics.Frontend.Handlers;

/// <summary><c>/o?method=events</c> (spec §2.3) and <c>/o?method=get_events</c> (§2.4).</summary>
public sealed class EventsReader(IGrainFactory grains, CounterReader counters)
{
    /// <summary>Serves <c>method=events</c>.</summary>
    public async Task EventsAsync(ApiContext api, AppRecord app, Period period, TimeZoneInfo zone, long nowMs)
    {
        var segmentation = api.Params.GetString("segmentation");
        var refresh = api.Params.GetString("action") == "refresh";
        var fullRange = CounterReader.WantsFullRange(api);
        if (api.Params.TryGetJson("events", out var list) && list.ValueKind == JsonValueKind.Array)
        {
            // Only events the registry knows have counts (ingest drops the others): a key nobody
            // sent reads as empty without waking a counter grain per key and year, and at most
            // the registry's 500 keys are read, however long the list. A key listed twice counts
            // twice, as in Countly (which fetches and sums each entry of the list).
            var known = (await grains.GetGrain<IEventRegistryGrain>(app.Id).GetAsync()).List.ToHashSet(StringComparer.Ordinal);
            var keys = list.EnumerateArray().Where(e => e.ValueKind == JsonValueKind.String).Select(e => e.GetString()!).Where(known.Contains).ToList();
            var distinct = keys.Distinct().ToList();
            var read = await Task.WhenAll(distinct.Select(k => EventAsync(app.Id, k, segmentation, refresh, fullRange, period, zone, nowMs)));
            var byKey = distinct.Zip(read).ToDictionary(p => p.First, p => p.Second, StringComparer.Ordinal);
            var objects = keys.Select(k => byKey[k]).ToArray();
            await DataReply.WriteAsync(api, EventsOutput.Merge(objects, named: list.GetArrayLength() > 0));
            return;
        }

        var registry = await grains.GetGrain<IEventRegistryGrain>(app.Id).GetAsync();
        var key = api.Params.GetString("event");
        if (string.IsNullOrEmpty(key))
        {
            key = EventsOutput.DefaultEvent(registry.Order, registry.List.Order(StringComparer.Ordinal));
        }

        if (key is null || !registry.List.Contains(key))
        {
            await DataReply.WriteAsync(api, new JsonObject());
            return;
        }

        await DataReply.WriteAsync(api, await EventAsync(app.Id, key, segmentation, refresh, fullRange, period, zone, nowMs));
    }

    /// <summary>Serves <c>method=get_events</c>.</summary>
    public async Task GetEventsAsync(ApiContext api, AppRecord app)
    {
        var view = await grains.GetGrain<IEventRegistryGrain>(app.Id).GetAsync();
        JsonObject? management = null;
        if (view.Managed)
        {
            // The fields Countly's events document has after the calls made, in the order an
            // edit_map adds them: order, overview and omitted_segments after any edit_map; map
            // after change_visibility or an edit_map with an event_map (a registry managed before
            // these were kept shows all of them). whitelisted_segments needs
            // /i/events/whitelist_segments, which is not served.
            var all = !view.FieldsKnown;
            management = [];
            if (all || view.HasLayout)
            {
                management["order"] = new JsonArray(view.Order.Where(k => !EventNormalizer.IsInternal(k)).Select(k => (JsonNode?)JsonValue.Create(k)).ToArray());
                management["overview"] = new JsonArray();
                management["omitted_segments"] = new JsonObject();
            }

            if (all || view.HasMap)
            {
                management["map"] = Map(view.Map);
            }

            if (all)
            {
                management["whitelisted_segments"] = new JsonObject();
            }
        }

        var list = view.Exists ? view.List : null;
        await DataReply.WriteAsync(api, GetEventsOutput.Build(app.Id, list, view.Segments, management));
    }

    /// <summary>
    /// The <c>map</c> as Countly keeps it: <c>is_visible</c> only when false, no <c>name</c> equal
    /// to the key, and no entry left empty (showing an event again removes its entry).
    /// </summary>
    private static JsonObject Map(IReadOnlyDictionary<string, EventSettings> settings)
    {
        var map = new JsonObject();
        foreach (var (key, s) in settings)
        {
            var entry = new JsonObject();
            foreach (var (name, value) in new[] { ("name", s.Name), ("description", s.Description), ("count", s.Count), ("sum", s.Sum), ("dur", s.Dur) })
            {
                if (value is not null && !(name == "name" && value == key))
                {
                    entry[name] = value;
                }
            }

            if (!s.IsVisible)
            {
                entry["is_visible"] = false;
            }

            if (entry.Count > 0)
            {
                map[key] = entry;
            }
        }

        return map;
    }

    private async Task<JsonObject> EventAsync(string appId, string key, string? segmentation, bool refresh, bool fullRange, Period period, TimeZoneInfo zone, long nowMs)
    {
        var shape = TimeObjectShape.Event(segmentation);
        var collection = Collections.Event(key);
        if (refresh)
        {
            var now = LocalTime.Of(nowMs, zone);
            var today = await counters.ReadAsync(appId, collection, [now.Year], _ => shape.DocIds([now.Month]));
            return EventsOutput.Refresh(today, segmentation, now);
        }

        if (fullRange)
        {
            var all = await counters.ReadAsync(appId, collection, CounterReader.AllYears(LocalTime.Of(nowMs, zone)), _ => null);
            return EventsOutput.Build(all, segmentation, null);
        }

        var years = await counters.ReadAsync(appId, collection, period.Years, y => shape.DocIds(period.MonthsOf(y)));
        return EventsOutput.Build(years, segmentation, period.Months);
    }

}
