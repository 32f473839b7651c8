namespace Analytics.Grains;

/// <summary>A dashboard user (Countly "member"). The api key is stored only as a SHA-256 hash.</summary>
[GenerateSerializer, Immutable, Alias("Analytics.MemberRecord")]
public sealed record class MemberRecord
{
    /// <summary>24-hex id.</summary>
    [Id(0)] public required string Id { get; init; }
    /// <summary>Login name.</summary>
    [Id(1)] public required string Username { get; init; }
    /// <summary>E-mail address.</summary>
    [Id(2)] public string Email { get; init; } = "";
    /// <summary>Full name.</summary>
    [Id(3)] public string FullName { get; init; } = "";
    /// <summary>Lower-case hex SHA-256 of the api key.</summary>
    [Id(4)] public required string ApiKeyHash { get; init; }
    /// <summary>PBKDF2 hash of the password (empty when none).</summary>
    [Id(5)] public string PasswordHash { get; init; } = "";
    /// <summary>Global administrator.</summary>
    [Id(6)] public bool GlobalAdmin { get; init; }
    /// <summary>Apps this member administers.</summary>
    [Id(7)] public IReadOnlyList<string> AdminOf { get; init; } = [];
    /// <summary>Apps this member may read.</summary>
    [Id(8)] public IReadOnlyList<string> UserOf { get; init; } = [];
    /// <summary>Locked members cannot use the API.</summary>
    [Id(9)] public bool Locked { get; init; }
    /// <summary>Unix seconds of creation.</summary>
    [Id(10)] public long CreatedAt { get; init; }

    /// <summary>Whether the member may read app <paramref name="appId"/>.</summary>
    public bool CanRead(string appId) => GlobalAdmin || AdminOf.Contains(appId) || UserOf.Contains(appId);

    /// <summary>Whether the member may change app <paramref name="appId"/>.</summary>
    public bool CanAdmin(string appId) => GlobalAdmin || AdminOf.Contains(appId);
}
