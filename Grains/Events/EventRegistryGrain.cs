using Analytics.Grains.Accounts;

namespace Analytics.Grains.Events;

/// <summary>
/// One app's event registry. Written through: it changes only when a new key or segment key
/// appears. Its state is one stored row, so besides Countly's counts (500 event keys, 100
/// segment keys each) it keeps within <see cref="MaxBytes"/> of stored JSON: keys and settings
/// past it are dropped like keys past the counts, so no client can make the row unwritable
/// (which would refuse every later request that brings a new key).
/// </summary>
public sealed class EventRegistryGrain([PersistentState("events", AccountsGrain.StorageName)] IPersistentState<EventRegistryState> state) : Grain, IEventRegistryGrain
{
    /// <summary>The stored bytes the registry may take (Orleans' Table storage holds 960 KiB a row).</summary>
    public const int MaxBytes = 640 * 1024;

    /// <summary>The longest event setting kept (name, description, count, sum or duration label), in characters.</summary>
    public const int MaxSettingLength = 1000;

    private long _bytes = -1;
    private bool _unsaved;

    async Task<EventRegistryView> IEventRegistryGrain.RegisterAsync(Dictionary<string, string[]> events)
    {
        var s = state.State;
        var changed = false;
        foreach (var (key, segments) in events)
        {
            if (!s.List.Contains(key))
            {
                if (s.List.Count >= IEventRegistryGrain.EventLimit || !Fits(2 * Json(key)))
                {
                    continue;
                }

                s.List.Add(key);
                Take(2 * Json(key));
                changed = true;
            }

            if (segments.Length == 0)
            {
                continue;
            }

            if (!s.Segments.TryGetValue(key, out var known))
            {
                s.Segments[key] = known = [];
                Take(Json(key));
            }

            foreach (var seg in segments)
            {
                if (!known.Contains(seg) && known.Count < IEventRegistryGrain.SegmentationLimit && Fits(Json(seg)))
                {
                    known.Add(seg);
                    Take(Json(seg));
                    changed = true;
                }
            }
        }

        if (changed || _unsaved)
        {
            await SaveAsync();
        }

        return View();
    }

    /// <inheritdoc />
    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        if (_unsaved)
        {
            await SaveAsync();
        }
    }

    /// <summary>
    /// Writes the state. A failed write (storage down) leaves it marked, and the next registration
    /// writes it again: the keys taken meanwhile are counted already, so the registry must not
    /// forget them with its activation.
    /// </summary>
    private async Task SaveAsync()
    {
        _unsaved = true;
        await state.WriteStateAsync();
        _unsaved = false;
    }

    Task<EventRegistryView> IEventRegistryGrain.GetAsync() => Task.FromResult(View());

    Task<EventRegistryView> IEventRegistryGrain.EditMapAsync(Dictionary<string, EventSettings> map, string[]? order) =>
        ((IEventRegistryGrain)this).EditEventMapAsync(map, order);

    async Task<EventRegistryView> IEventRegistryGrain.EditEventMapAsync(Dictionary<string, EventSettings>? map, string[]? order)
    {
        foreach (var (key, settings) in map ?? [])
        {
            // Settings of events that exist only, each field bounded, within the budget.
            if (!state.State.List.Contains(key))
            {
                continue;
            }

            var bounded = settings with { Name = Cut(settings.Name), Description = Cut(settings.Description), Count = Cut(settings.Count), Sum = Cut(settings.Sum), Dur = Cut(settings.Dur) };
            var before = state.State.Map.TryGetValue(key, out var old) ? SizeOf(key, old) : 0;
            if (Fits(SizeOf(key, bounded) - before))
            {
                state.State.Map[key] = bounded;
                Take(SizeOf(key, bounded) - before);
            }
        }

        if (order is not null)
        {
            state.State.Order = [.. order.Distinct().Where(state.State.List.Contains)];
            _bytes = -1;
        }

        // Countly's edit_map always sets order, overview and omitted_segments, and map only
        // when an event_map came.
        Manage(hasMap: map is not null, hasLayout: true);
        await state.WriteStateAsync();
        return View();
    }

    async Task<EventRegistryView> IEventRegistryGrain.ChangeVisibilityAsync(string[] keys, bool visible)
    {
        foreach (var key in keys)
        {
            var known = state.State.Map.GetValueOrDefault(key);
            if (state.State.List.Contains(key) && (known is not null || Fits(SizeOf(key, new EventSettings()))))
            {
                state.State.Map[key] = (known ?? new EventSettings()) with { IsVisible = visible };
                Take(known is null ? SizeOf(key, new EventSettings()) : 0);
            }
        }

        Manage(hasMap: true, hasLayout: false);
        await state.WriteStateAsync();
        return View();
    }

    async Task<EventRegistryView> IEventRegistryGrain.DeleteAsync(string[] keys)
    {
        var s = state.State;
        foreach (var key in keys)
        {
            s.List.Remove(key);
            s.Segments.Remove(key);
            s.Order.Remove(key);
            s.Map.Remove(key);
        }

        _bytes = -1;

        Manage(hasMap: false, hasLayout: false);
        await state.WriteStateAsync();
        return View();
    }

    async Task IEventRegistryGrain.ClearAsync()
    {
        state.State = new EventRegistryState();
        _bytes = -1;
        await state.WriteStateAsync();
    }

    /// <summary>
    /// A string's size in the stored row, with its quotes and separator: Orleans writes the JSON
    /// (non-ASCII escaped as \uXXXX) as a UTF-16 string and counts two bytes a character.
    /// </summary>
    private static long Json(string? value)
    {
        if (value is null)
        {
            return 10;
        }

        long n = 6;
        foreach (var c in value)
        {
            n += c < 128 ? 2 : 12;
        }

        return n;
    }

    private static long SizeOf(string key, EventSettings settings) =>
        Json(key) + Json(settings.Name) + Json(settings.Description) + Json(settings.Count) + Json(settings.Sum) + Json(settings.Dur) + 160;

    /// <summary>
    /// Marks the registry managed and which of Countly's management fields its events document
    /// now has. State managed before the fields were kept stays "every field".
    /// </summary>
    private void Manage(bool hasMap, bool hasLayout)
    {
        var s = state.State;
        if (!s.Managed)
        {
            s.FieldsKnown = true;
        }

        s.Managed = true;
        s.HasMap |= hasMap;
        s.HasLayout |= hasLayout;
    }

    private static string? Cut(string? value) => value is { Length: > MaxSettingLength } ? value[..MaxSettingLength] : value;

    private bool Fits(long more) => Bytes() + more <= MaxBytes;

    private void Take(long more) => _bytes = Bytes() + more;

    /// <summary>The stored JSON's size as estimated from the state (computed once, then kept up to date).</summary>
    private long Bytes()
    {
        if (_bytes < 0)
        {
            var s = state.State;
            _bytes = 512 + s.List.Sum(k => 2 * Json(k)) + s.Segments.Sum(kv => Json(kv.Key) + kv.Value.Sum(Json)) + s.Order.Sum(Json) + s.Map.Sum(kv => SizeOf(kv.Key, kv.Value));
        }

        return _bytes;
    }

    private EventRegistryView View() => new()
    {
        List = [.. state.State.List],
        Segments = state.State.Segments.ToDictionary(s => s.Key, s => (IReadOnlyList<string>)[.. s.Value]),
        Order = [.. state.State.Order],
        Map = new Dictionary<string, EventSettings>(state.State.Map),
        Managed = state.State.Managed,
        FieldsKnown = state.State.FieldsKnown,
        HasMap = state.State.HasMap,
        HasLayout = state.State.HasLayout,
    };
}
