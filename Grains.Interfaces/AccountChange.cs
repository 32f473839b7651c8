namespace Analytics.Grains;

/// <summary>The outcome of an account or app change: the new snapshot, or Countly's error.</summary>
[GenerateSerializer, Immutable, Alias("Analytics.AccountChange")]
public sealed record class AccountChange
{
    /// <summary>The snapshot after the change (also when it failed).</summary>
    [Id(0)] public required AccountsSnapshot Snapshot { get; init; }
    /// <summary>Countly's error message when the change was refused.</summary>
    [Id(1)] public string? Error { get; init; }
    /// <summary>HTTP status of the error.</summary>
    [Id(2)] public int Status { get; init; } = 200;
    /// <summary>The app created or changed.</summary>
    [Id(3)] public AppRecord? App { get; init; }
    /// <summary>The member created or changed.</summary>
    [Id(4)] public MemberRecord? Member { get; init; }
}
