using Analytics.Grains.Accounts;

namespace Analytics.Grains.Events;

/// <summary>One app's event registry. Written through: it changes only when a new key or segment key appears.</summary>
public sealed class EventRegistryGrain([PersistentState("events", AccountsGrain.StorageName)] IPersistentState<EventRegistryState> state) : Grain, IEventRegistryGrain
{
    async Task<EventRegistryView> IEventRegistryGrain.RegisterAsync(Dictionary<string, string[]> events)
    {
        var s = state.State;
        var changed = false;
        foreach (var (key, segments) in events)
        {
            if (!s.List.Contains(key))
            {
                if (s.List.Count >= IEventRegistryGrain.EventLimit)
                {
                    continue;
                }

                s.List.Add(key);
                changed = true;
            }

            if (segments.Length == 0)
            {
                continue;
            }

            if (!s.Segments.TryGetValue(key, out var known))
            {
                s.Segments[key] = known = [];
            }

            foreach (var seg in segments)
            {
                if (!known.Contains(seg) && known.Count < IEventRegistryGrain.SegmentationLimit)
                {
                    known.Add(seg);
                    changed = true;
                }
            }
        }

        if (changed)
        {
            await state.WriteStateAsync();
        }

        return View();
    }

    Task<EventRegistryView> IEventRegistryGrain.GetAsync() => Task.FromResult(View());

    async Task<EventRegistryView> IEventRegistryGrain.EditMapAsync(Dictionary<string, EventSettings> map, string[]? order)
    {
        foreach (var (key, settings) in map)
        {
            state.State.Map[key] = settings;
        }

        if (order is not null)
        {
            state.State.Order = [.. order.Distinct()];
        }

        state.State.Managed = true;
        await state.WriteStateAsync();
        return View();
    }

    async Task<EventRegistryView> IEventRegistryGrain.ChangeVisibilityAsync(string[] keys, bool visible)
    {
        foreach (var key in keys)
        {
            state.State.Map[key] = (state.State.Map.GetValueOrDefault(key) ?? new EventSettings()) with { IsVisible = visible };
        }

        state.State.Managed = true;
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

        s.Managed = true;
        await state.WriteStateAsync();
        return View();
    }

    async Task IEventRegistryGrain.ClearAsync()
    {
        state.State = new EventRegistryState();
        await state.WriteStateAsync();
    }

    private EventRegistryView View() => new()
    {
        List = [.. state.State.List],
        Segments = state.State.Segments.ToDictionary(s => s.Key, s => (IReadOnlyList<string>)[.. s.Value]),
        Order = [.. state.State.Order],
        Map = new Dictionary<string, EventSettings>(state.State.Map),
        Managed = state.State.Managed,
    };
}
