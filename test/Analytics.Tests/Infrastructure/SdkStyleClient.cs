using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json.Nodes;

namespace Analytics.Tests.Infrastructure;

/// <summary>
/// A load client that behaves like the Countly SDKs: every device sends its requests one at a
/// time, each with a unique explicit ms <c>timestamp</c>; a request counts as delivered only on
/// 2xx with a JSON body holding a truthy <c>result</c>; anything else (connection refused, 5xx,
/// timeouts) is re-sent unchanged until it is delivered. It tallies what it delivered.
/// </summary>
public sealed class SdkStyleClient(Func<Uri> server, string appKey)
{
    private readonly ConcurrentDictionary<int, int> _statuses = new();
    private long _delivered;
    private long _attempts;

    /// <summary>Requests delivered (acknowledged).</summary>
    public long Delivered => Interlocked.Read(ref _delivered);

    /// <summary>HTTP attempts made, retries included.</summary>
    public long Attempts => Interlocked.Read(ref _attempts);

    /// <summary>How many answers had each status (0 = no answer).</summary>
    public IReadOnlyDictionary<int, int> Statuses => _statuses;

    /// <summary>
    /// The session of one device: begin with metrics, two event requests (count 2, sum 1.5 each),
    /// session_duration=30, end. Its numbers: t 1, n 1, u 1, e 5, d 30, event count 4, sum 3.
    /// </summary>
    public static IReadOnlyList<string> Session(string deviceId, long firstMs)
    {
        string Q(long ts, string rest) => $"device_id={Uri.EscapeDataString(deviceId)}&timestamp={ts.ToString(CultureInfo.InvariantCulture)}&{rest}";
        var metrics = Uri.EscapeDataString("""{"_os":"Android","_os_version":"14","_app_version":"1.2"}""");
        var events = Uri.EscapeDataString("""[{"key":"purchase","count":2,"sum":1.5,"segmentation":{"plan":"pro"}}]""");
        return
        [
            Q(firstMs, $"begin_session=1&metrics={metrics}"),
            Q(firstMs + 1, $"events={events}"),
            Q(firstMs + 2, $"events={events}"),
            Q(firstMs + 3, "session_duration=30"),
            Q(firstMs + 4, "end_session=1"),
        ];
    }

    /// <summary>
    /// Sends every device's requests in order, devices side by side, until all are delivered or
    /// <paramref name="ct"/> fires. With <paramref name="eventsTogether"/>, a device's consecutive
    /// event requests go out at once (as an SDK with several queued requests and more than one
    /// connection may send them), so the server holds several requests of one device at a time;
    /// event counts do not depend on their order.
    /// </summary>
    public async Task RunAsync(IReadOnlyList<IReadOnlyList<string>> devices, int parallelism, CancellationToken ct, bool eventsTogether = false)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(15) };
        var queue = new ConcurrentQueue<IReadOnlyList<string>>(devices);
        var workers = Enumerable.Range(0, parallelism).Select(async _ =>
        {
            while (queue.TryDequeue(out var requests))
            {
                for (var i = 0; i < requests.Count; i++)
                {
                    var together = 1;
                    while (eventsTogether && IsEvents(requests[i]) && i + together < requests.Count && IsEvents(requests[i + together]))
                    {
                        together++;
                    }

                    await Task.WhenAll(requests.Skip(i).Take(together).Select(q => DeliverAsync(http, q, ct)));
                    i += together - 1;
                }
            }
        });
        await Task.WhenAll(workers);
    }

    private async Task DeliverAsync(HttpClient http, string query, CancellationToken ct)
    {
        while (true)
        {
            ct.ThrowIfCancellationRequested();
            Interlocked.Increment(ref _attempts);
            var status = 0;
            try
            {
                using var response = await http.GetAsync(new Uri(server(), $"/i?app_key={appKey}&{query}"), ct);
                status = (int)response.StatusCode;
                var body = await response.Content.ReadAsStringAsync(ct);
                if (response.IsSuccessStatusCode && IsTruthyResult(body))
                {
                    _statuses.AddOrUpdate(status, 1, (_, n) => n + 1);
                    Interlocked.Increment(ref _delivered);
                    return;
                }
            }
            catch (HttpRequestException)
            {
            }
            catch (TaskCanceledException) when (!ct.IsCancellationRequested)
            {
            }

            _statuses.AddOrUpdate(status, 1, (_, n) => n + 1);
            await Task.Delay(200, ct);
        }
    }

    private static bool IsEvents(string query) => query.Contains("&events=", StringComparison.Ordinal);

    private static bool IsTruthyResult(string body)
    {
        try
        {
            return JsonNode.Parse(body)?["result"] is JsonValue v && v.ToString() is { Length: > 0 } s && s != "false" && s != "0";
        }
        catch (System.Text.Json.JsonException)
        {
            return false;
        }
    }
}
