namespace Analytics.Grains;

/// <summary>All apps and members at one version; frontends cache it and refresh when the version moves.</summary>
[GenerateSerializer, Immutable, Alias("Analytics.AccountsSnapshot")]
public sealed record class AccountsSnapshot
{
    /// <summary>Incremented by every change.</summary>
    [Id(0)] public long Version { get; init; }
    /// <summary>Every app.</summary>
    [Id(1)] public IReadOnlyList<AppRecord> Apps { get; init; } = [];
    /// <summary>Every member.</summary>
    [Id(2)] public IReadOnlyList<MemberRecord> Members { get; init; } = [];
}
