namespace Analytics.Grains.Accounts;

/// <summary>Persisted state of <see cref="AccountsGrain"/> (System.Text.Json in Table Storage).</summary>
[GenerateSerializer]
public sealed class AccountsState
{
    /// <summary>Incremented by every change.</summary>
    [Id(0)] public long Version { get; set; }
    /// <summary>Every app.</summary>
    [Id(1)] public List<AppRecord> Apps { get; set; } = [];
    /// <summary>Every member.</summary>
    [Id(2)] public List<MemberRecord> Members { get; set; } = [];
}
