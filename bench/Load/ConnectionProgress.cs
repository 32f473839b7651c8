namespace Analytics.Bench.Load;

/// <summary>How far one connection got through its lines.</summary>
public sealed class ConnectionProgress
{
    /// <summary>Lines with a final answer (2xx, 4xx or given up); the next line to send is number <c>Cursor</c> (0-based).</summary>
    public long Cursor { get; set; }

    /// <summary>Whether line <see cref="Cursor"/> was sent and its answer not received when the run stopped.</summary>
    public bool Inflight { get; set; }

    /// <summary>Whether the connection ran out of lines before the run ended.</summary>
    public bool Exhausted { get; set; }
}
