namespace Analytics.Grains;

/// <summary>
/// The fields of a member that one <c>/i/users/update</c> sets; null leaves a field as stored.
/// Applied by the accounts grain to the member as it is then, so that an edit made from a copy a
/// moment old cannot undo a change made meanwhile (a lock, revoked rights).
/// </summary>
[GenerateSerializer, Immutable, Alias("Analytics.MemberEdit")]
public sealed record class MemberEdit
{
    /// <summary>The member's id.</summary>
    [Id(0)] public required string Id { get; init; }
    /// <summary>New login name.</summary>
    [Id(1)] public string? Username { get; init; }
    /// <summary>New e-mail address.</summary>
    [Id(2)] public string? Email { get; init; }
    /// <summary>New full name.</summary>
    [Id(3)] public string? FullName { get; init; }
    /// <summary>New password hash.</summary>
    [Id(4)] public string? PasswordHash { get; init; }
    /// <summary>New global-admin flag.</summary>
    [Id(5)] public bool? GlobalAdmin { get; init; }
    /// <summary>New lock flag.</summary>
    [Id(6)] public bool? Locked { get; init; }
    /// <summary>New list of administered apps.</summary>
    [Id(7)] public IReadOnlyList<string>? AdminOf { get; init; }
    /// <summary>New list of readable apps.</summary>
    [Id(8)] public IReadOnlyList<string>? UserOf { get; init; }

    /// <summary><paramref name="member"/> with the fields this edit sets.</summary>
    public MemberRecord ApplyTo(MemberRecord member) => member with
    {
        Username = Username ?? member.Username,
        Email = Email ?? member.Email,
        FullName = FullName ?? member.FullName,
        PasswordHash = PasswordHash ?? member.PasswordHash,
        GlobalAdmin = GlobalAdmin ?? member.GlobalAdmin,
        Locked = Locked ?? member.Locked,
        AdminOf = AdminOf ?? member.AdminOf,
        UserOf = UserOf ?? member.UserOf,
    };
}
