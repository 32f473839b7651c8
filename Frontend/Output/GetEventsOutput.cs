using System.Text.Json.Nodes;
using Analytics.Grains;
using Analytics.Grains.Counters;

namespace Analytics.Frontend.Output;

/// <summary>
/// <c>/o?method=get_events</c> (spec §2.4): the app's event registry with <c>[CLY]_…</c> keys
/// removed, <c>segments</c> only when some event recorded segment values, management fields
/// (<c>order</c>, <c>map</c>, …) only when set, and always the limits (20.11+); an app without
/// events gives just <c>{"limits":{…}}</c>.
/// </summary>
public static class GetEventsOutput
{
    private const string ReservedPrefix = "[CLY]_";

    /// <summary>
    /// Builds the answer. <paramref name="list"/> is null when the app has no events document;
    /// <paramref name="segments"/> maps event keys to the segment keys that recorded values
    /// (each event's <c>segments</c> meta set); <paramref name="management"/> holds the fields set by
    /// event management calls, copied in their order.
    /// </summary>
    public static JsonObject Build(string appId, IReadOnlyList<string>? list, IReadOnlyDictionary<string, IReadOnlyList<string>>? segments, JsonObject? management = null)
    {
        var output = new JsonObject();
        if (list is not null)
        {
            output["_id"] = appId;
            output["list"] = Strings(list.Where(k => !k.StartsWith(ReservedPrefix, StringComparison.Ordinal)));
            var bySegment = new JsonObject();
            foreach (var key in list)
            {
                if (!key.StartsWith(ReservedPrefix, StringComparison.Ordinal) && segments is not null
                    && segments.TryGetValue(key, out var keys) && keys.Count > 0)
                {
                    bySegment[key] = Strings(keys);
                }
            }

            if (bySegment.Count > 0)
            {
                output["segments"] = bySegment;
            }

            foreach (var (name, value) in management ?? [])
            {
                output[name] = value?.DeepClone();
            }
        }

        output["limits"] = new JsonObject
        {
            ["event_limit"] = IEventRegistryGrain.EventLimit,
            ["event_segmentation_limit"] = CounterLimits.SegmentKeysPerEvent,
            ["event_segmentation_value_limit"] = CounterLimits.SegmentValuesPerShard,
        };
        return output;
    }

    private static JsonArray Strings(IEnumerable<string> values) => new(values.Select(v => (JsonNode?)JsonValue.Create(v)).ToArray());
}
