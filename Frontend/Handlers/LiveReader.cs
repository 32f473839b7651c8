using System.Text.Json;
using System.Text.Json.Nodes;
using Analytics.Frontend.Http;
using Analytics.Frontend.Output;
using Analytics.Grains;
using Analytics.Grains.Domain;

namespace Analytics.Frontend.Handlers;

/// <summary><c>method=live</c>, <c>method=live_graph</c> and <c>method=retention</c> (docs/api.md).</summary>
public sealed class LiveReader(IGrainFactory grains, CounterReader counters)
{
    /// <summary>Serves <c>method=live</c>: <c>{"o","n","om","nm"}</c>.</summary>
    public async Task LiveAsync(ApiContext api, AppRecord app)
    {
        var now = await grains.GetGrain<ILiveGrain>(app.Id).GetAsync();
        await DataReply.WriteAsync(api, new JsonObject { ["o"] = now.Online, ["n"] = now.NewOnline, ["om"] = now.MaxOnline, ["nm"] = now.MaxNewOnline });
    }

    /// <summary>Serves <c>method=live_graph</c>: 60 per-minute points, oldest first.</summary>
    public async Task GraphAsync(ApiContext api, AppRecord app)
    {
        var points = await grains.GetGrain<ILiveGrain>(app.Id).GraphAsync();
        var array = new JsonArray();
        foreach (var p in points)
        {
            array.Add(new JsonObject { ["time"] = p.Time, ["o"] = p.Online, ["n"] = p.NewOnline, ["s"] = p.Sessions, ["r"] = p.Requests, ["e"] = p.Events });
        }

        await DataReply.WriteAsync(api, array);
    }

    /// <summary>Serves <c>method=retention</c>.</summary>
    public async Task RetentionAsync(ApiContext api, AppRecord app)
    {
        if (!RetentionOutput.TryParseGranularity(api.Params.GetString("period"), out var granularity))
        {
            await api.MessageAsync(400, "Invalid period");
            return;
        }

        var type = api.Params.GetString("rettype") ?? "full";
        if (type is not ("full" or "classic" or "unbounded"))
        {
            await api.MessageAsync(400, "Invalid rettype");
            return;
        }

        var evt = api.Params.GetString("evt");
        if (evt is not (null or "" or "[CLY]_session"))
        {
            await api.MessageAsync(400, "Unsupported evt: only [CLY]_session retention is kept");
            return;
        }

        // Only the empty filter; a filter that is not even JSON is not read as none.
        if (!string.IsNullOrWhiteSpace(api.Params.GetString("query"))
            && !(api.Params.TryGetJson("query", out var query) && query.ValueKind == JsonValueKind.Object && !query.EnumerateObject().Any()))
        {
            await api.MessageAsync(400, "Unsupported query");
            return;
        }

        (long, long)? range = null;
        if (api.Params.Has("range"))
        {
            if (!api.Params.TryGetJson("range", out var r) || !RetentionOutput.TryParseRange(r, out var parsed))
            {
                await api.MessageAsync(400, "Invalid range");
                return;
            }

            range = parsed;
        }

        var span = RetentionOutput.DefaultSpan;
        if (range is null && api.Params.GetString("span") is { } spanText)
        {
            if (!int.TryParse(spanText, out span) || span < 1 || span > RetentionOutput.MaxSpan)
            {
                await api.MessageAsync(400, "Invalid span");
                return;
            }
        }

        var zone = TimeZones.Get(app.Timezone);
        if (RetentionOutput.Buckets(granularity, span, range, zone, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds()) is not { } buckets)
        {
            await api.MessageAsync(400, "Invalid range");
            return;
        }

        var docs = RetentionOutput.Docs(buckets).ToList();
        var years = await counters.ReadAsync(app.Id, Collections.Retention, docs.Select(d => d.Year), y => docs.Where(d => d.Year == y).Select(d => d.Doc).ToArray());
        await DataReply.WriteAsync(api, RetentionOutput.Build(buckets, years, type));
    }
}
