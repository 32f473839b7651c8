using System.Text.Json;

namespace Analytics.Bench.Load;

/// <summary>
/// What one load run against one target measured (written by <c>bench/wrk/sessions.lua</c> or
/// by <c>drive</c>): throughput, latency, answers by class, and how far each connection got
/// through its lines (<see cref="ConnectionProgress.Cursor"/> lines have a final answer).
/// </summary>
public sealed class RoundResult
{
    /// <summary><c>wrk</c> or <c>dotnet</c>.</summary>
    public string Driver { get; set; } = "";

    /// <summary>Wall time of the run, seconds.</summary>
    public double DurationSec { get; set; }

    /// <summary>Responses received (every attempt, retries included).</summary>
    public long Requests { get; set; }

    /// <summary>Responses per second.</summary>
    public double Rps { get; set; }

    /// <summary>Latency percentiles in microseconds: <c>p50 p90 p99 p999 max mean</c>.</summary>
    public Dictionary<string, double> LatencyUs { get; set; } = [];

    /// <summary>2xx answers.</summary>
    public long Ok { get; set; }

    /// <summary>Answers to the malformed share of the mix (lines <c>J</c> and <c>M</c>).</summary>
    public long Malformed { get; set; }

    /// <summary>4xx answers to malformed lines (expected for <c>M</c>).</summary>
    public long Malformed4xx { get; set; }

    /// <summary>4xx answers to valid SDK requests (never expected).</summary>
    public long Unexpected4xx { get; set; }

    /// <summary>5xx answers (the request is retried, as the SDK would).</summary>
    public long Status5xx { get; set; }

    /// <summary>Any other status.</summary>
    public long OtherStatus { get; set; }

    /// <summary>Requests sent again after a 5xx.</summary>
    public long Retries { get; set; }

    /// <summary>Requests given up after too many 5xx.</summary>
    public long GiveUps { get; set; }

    /// <summary>Requests sent again after a lost connection (no answer).</summary>
    public long Resends { get; set; }

    /// <summary>Socket errors (wrk: connect, read, write, timeout).</summary>
    public Dictionary<string, long> SocketErrors { get; set; } = [];

    /// <summary>In-flight requests re-sent by <c>finish</c> after the run.</summary>
    public long Finished { get; set; }

    /// <summary>Per connection, by index.</summary>
    public List<ConnectionProgress> Connections { get; set; } = [];

    /// <summary>Non-2xx answers other than the expected 4xx of malformed lines.</summary>
    public long UnexpectedNon2xx => Unexpected4xx + Status5xx + OtherStatus;

    /// <summary>Reads <paramref name="path"/>.</summary>
    public static RoundResult Read(string path) =>
        JsonSerializer.Deserialize<RoundResult>(File.ReadAllText(path), Json.Options) ?? throw new InvalidDataException(path);

    /// <summary>Writes to <paramref name="path"/>.</summary>
    public void Write(string path) => File.WriteAllText(path, JsonSerializer.Serialize(this, Json.Options));
}
