namespace Analytics.Bench.Load;

/// <summary>What <c>gen</c> wrote for one round (<c>plan.json</c>).</summary>
public sealed record class RoundPlan(
    int Round,
    int Devices,
    int Connections,
    int Window,
    int Seed,
    double Malformed,
    long WindowStartMs,
    long WindowEndMs,
    long Lines,
    Dictionary<string, long> LinesByKind);
