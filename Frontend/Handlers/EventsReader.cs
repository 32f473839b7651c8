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
    /// <summary>Most events one <c>events=[…]</c> read may merge.</summary>
    public const int MaxMergedEvents = 50;

    /// <summary>Serves <c>method=events</c>.</summary>
    public async Task EventsAsync(ApiContext api, AppRecord app, Period period, TimeZoneInfo zone, long nowMs)
    {
        var segmentation = api.Params.GetString("segmentation");
        var refresh = api.Params.GetString("action") == "refresh";
        if (api.Params.TryGetJson("events", out var list) && list.ValueKind == JsonValueKind.Array)
        {
            var keys = list.EnumerateArray().Where(e => e.ValueKind == JsonValueKind.String).Select(e => e.GetString()!).Distinct().ToList();
            if (keys.Count > MaxMergedEvents)
            {
                await api.MessageAsync(400, $"Too many events (limit {MaxMergedEvents})");
                return;
            }

            var objects = await Task.WhenAll(keys.Select(k => EventAsync(app.Id, k, segmentation, refresh, period, zone, nowMs)));
            await DataReply.WriteAsync(api, EventsOutput.Merge(objects));
            return;
        }

        var key = api.Params.GetString("event");
        if (string.IsNullOrEmpty(key))
        {
            var registry = await grains.GetGrain<IEventRegistryGrain>(app.Id).GetAsync();
            key = EventsOutput.DefaultEvent(registry.Order, registry.List.Order(StringComparer.Ordinal));
            if (key is null)
            {
                await DataReply.WriteAsync(api, new JsonObject());
                return;
            }
        }

        await DataReply.WriteAsync(api, await EventAsync(app.Id, key, segmentation, refresh, period, zone, nowMs));
    }

    /// <summary>Serves <c>method=get_events</c>.</summary>
    public async Task GetEventsAsync(ApiContext api, AppRecord app)
    {
        var view = await grains.GetGrain<IEventRegistryGrain>(app.Id).GetAsync();
        var limits = new JsonObject
        {
            ["event_limit"] = IEventRegistryGrain.EventLimit,
            ["event_segmentation_limit"] = IEventRegistryGrain.SegmentationLimit,
            ["event_segmentation_value_limit"] = IEventRegistryGrain.SegmentationValueLimit,
        };
        var visible = view.List.Where(k => !EventNormalizer.IsInternal(k)).ToList();
        if (visible.Count == 0 && !view.Managed)
        {
            await DataReply.WriteAsync(api, new JsonObject { ["limits"] = limits });
            return;
        }

        var result = new JsonObject
        {
            ["_id"] = app.Id,
            ["list"] = Strings(visible),
        };
        var segments = new JsonObject();
        foreach (var key in visible)
        {
            if (view.Segments.TryGetValue(key, out var segs) && segs.Count > 0)
            {
                segments[key] = Strings(segs);
            }
        }

        if (segments.Count > 0)
        {
            result["segments"] = segments;
        }

        if (view.Managed)
        {
            result["order"] = Strings(view.Order.Where(k => !EventNormalizer.IsInternal(k)));
            var map = new JsonObject();
            foreach (var (key, s) in view.Map)
            {
                var entry = new JsonObject { ["is_visible"] = s.IsVisible };
                if (s.Name is not null)
                {
                    entry["name"] = s.Name;
                }

                if (s.Description is not null)
                {
                    entry["description"] = s.Description;
                }

                if (s.Count is not null)
                {
                    entry["count"] = s.Count;
                }

                if (s.Sum is not null)
                {
                    entry["sum"] = s.Sum;
                }

                if (s.Dur is not null)
                {
                    entry["dur"] = s.Dur;
                }

                map[key] = entry;
            }

            result["map"] = map;
            result["overview"] = new JsonArray();
            result["omitted_segments"] = new JsonObject();
            result["whitelisted_segments"] = new JsonObject();
        }

        result["limits"] = limits;
        await DataReply.WriteAsync(api, result);
    }

    private async Task<JsonObject> EventAsync(string appId, string key, string? segmentation, bool refresh, Period period, TimeZoneInfo zone, long nowMs)
    {
        var shape = TimeObjectShape.Event(segmentation);
        var collection = Collections.Event(key);
        if (refresh)
        {
            var now = LocalTime.Of(nowMs, zone);
            var today = await counters.ReadAsync(appId, collection, [now.Year], _ => shape.DocIds([now.Month]));
            return EventsOutput.Refresh(today, segmentation, now);
        }

        var years = await counters.ReadAsync(appId, collection, period.Years, y => shape.DocIds(period.MonthsOf(y)));
        return EventsOutput.Build(years, segmentation, period.Months);
    }

    private static JsonArray Strings(IEnumerable<string> values) => new(values.Select(v => (JsonNode?)JsonValue.Create(v)).ToArray());
}
