using System.Collections.Concurrent;
using Analytics.Frontend.Ingest;
using Analytics.Grains;

namespace Analytics.Frontend.Events;

/// <summary>
/// Applies Countly's event-key limits before a request is journaled: keys the app's registry
/// accepted pass, new keys are registered first (one grain call per new key set), keys beyond
/// the limit and segment keys beyond the per-event limit are dropped (without asking the registry
/// once the cached sets show the limit reached). The accepted sets are
/// cached per app and refreshed every 30 s, so the common request needs no grain call; a cache
/// of an earlier <see cref="AppRecord.RegistryVersion"/> (the app was reset or events were
/// deleted, through any frontend) is not used, or a key deleted from the registry and sent again
/// would be counted without being registered again, so reads would not show it.
/// </summary>
public sealed class EventGate(IGrainFactory grains)
{
    private static readonly TimeSpan Lifetime = TimeSpan.FromSeconds(30);
    private readonly ConcurrentDictionary<string, Known> _apps = new(StringComparer.Ordinal);

    /// <summary>The events of <paramref name="events"/> the app accepts, with unaccepted segments removed.</summary>
    /// <param name="appId">The app.</param>
    /// <param name="version">The app's <see cref="AppRecord.RegistryVersion"/> in this frontend's accounts snapshot.</param>
    /// <param name="events">The request's events.</param>
    public async ValueTask<IReadOnlyList<IngestEvent>> FilterAsync(string appId, long version, IReadOnlyList<IngestEvent> events)
    {
        if (events.Count == 0)
        {
            return events;
        }

        var known = _apps.TryGetValue(appId, out var k) && k.Expires > DateTime.UtcNow && k.Version == version ? k : null;
        Dictionary<string, HashSet<string>>? unknown = null;
        // Set when something must be dropped that the registry need not be asked about: a new key
        // while the app has all its keys, a new segment of an event that has all its segments.
        // Asking would change nothing, and an app past its limit that keeps sending new keys (keys
        // made of ids, say) would otherwise cost a registry call and a rebuilt cache per request.
        var dropKnown = false;
        // Plain index loops, not LINQ or foreach over the interfaces: this runs for every event request.
        for (var i = 0; i < events.Count; i++)
        {
            var e = events[i];
            var keyKnown = known is not null && known.Keys.Contains(e.Key);
            if (!keyKnown && known is not null && known.Keys.Count >= IEventRegistryGrain.EventLimit)
            {
                dropKnown = true;
                continue;
            }

            HashSet<string>? knownSegments = null;
            _ = known?.Segments.TryGetValue(e.Key, out knownSegments);
            var segmentsFull = knownSegments is not null && knownSegments.Count >= IEventRegistryGrain.SegmentationLimit;
            List<string>? newSegments = null;
            var segments = e.Segments;
            for (var j = 0; j < segments.Count; j++)
            {
                var segment = segments[j].Key;
                if (knownSegments is null || !knownSegments.Contains(segment))
                {
                    if (segmentsFull)
                    {
                        dropKnown = true;
                        continue;
                    }

                    (newSegments ??= []).Add(segment);
                }
            }

            if (!keyKnown || newSegments is not null)
            {
                unknown ??= new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
                if (!unknown.TryGetValue(e.Key, out var fresh))
                {
                    unknown[e.Key] = fresh = new HashSet<string>(StringComparer.Ordinal);
                }

                // The registry keeps at most this many segment keys per event: more new ones
                // from one request could only be refused (and a request of many events repeating
                // them must not cost a set union per event).
                for (var j = 0; newSegments is not null && j < newSegments.Count && fresh.Count < EventNormalizer.MaxSegmentsPerEvent; j++)
                {
                    fresh.Add(newSegments[j]);
                }
            }
        }

        if (unknown is null && !dropKnown)
        {
            // The common request: every key and segment is known already (the loop above
            // checked each), so nothing is dropped and no new list is made.
            return events;
        }

        if (unknown is not null)
        {
            var registry = grains.GetGrain<IEventRegistryGrain>(appId);
            var view = await registry.RegisterAsync(unknown.ToDictionary(u => u.Key, u => u.Value.ToArray(), StringComparer.Ordinal));
            known = new Known(view, version);
            _apps[appId] = known;
            if (AllAccepted(known, events))
            {
                // The registry took everything new: still nothing to drop.
                return events;
            }
        }

        var result = new List<IngestEvent>(events.Count);
        foreach (var e in events)
        {
            if (!known!.Keys.Contains(e.Key))
            {
                continue;
            }

            if (e.Segments.Count == 0)
            {
                result.Add(e);
                continue;
            }

            known.Segments.TryGetValue(e.Key, out var allowed);
            var kept = 0;
            foreach (var (segment, _) in e.Segments)
            {
                if (allowed is not null && allowed.Contains(segment))
                {
                    kept++;
                }
            }

            if (kept == e.Segments.Count)
            {
                result.Add(e);
                continue;
            }

            var segments = new List<KeyValuePair<string, string>>(kept);
            foreach (var s in e.Segments)
            {
                if (allowed is not null && allowed.Contains(s.Key))
                {
                    segments.Add(s);
                }
            }

            result.Add(e with { Segments = segments });
        }

        return result;
    }

    private static bool AllAccepted(Known known, IReadOnlyList<IngestEvent> events)
    {
        for (var i = 0; i < events.Count; i++)
        {
            var e = events[i];
            if (!known.Keys.Contains(e.Key))
            {
                return false;
            }

            var segments = e.Segments;
            if (segments.Count == 0)
            {
                continue;
            }

            if (!known.Segments.TryGetValue(e.Key, out var allowed))
            {
                return false;
            }

            for (var j = 0; j < segments.Count; j++)
            {
                if (!allowed.Contains(segments[j].Key))
                {
                    return false;
                }
            }
        }

        return true;
    }

    /// <summary>Forgets the cached registry of an app (after event management on this frontend).</summary>
    public void Forget(string appId) => _apps.TryRemove(appId, out _);

    private sealed class Known(EventRegistryView view, long version)
    {
        public long Version { get; } = version;

        public HashSet<string> Keys { get; } = new(view.List, StringComparer.Ordinal);
        public Dictionary<string, HashSet<string>> Segments { get; } = view.Segments.ToDictionary(s => s.Key, s => new HashSet<string>(s.Value, StringComparer.Ordinal), StringComparer.Ordinal);
        public DateTime Expires { get; } = DateTime.UtcNow + Lifetime;
    }
}
