namespace Analytics.Grains;

/// <summary>
/// The fields of an app that one <c>/i/apps/update</c> sets; null leaves a field as stored.
/// Applied by the accounts grain to the app as it is then, so that an edit made from a copy a
/// moment old cannot undo a change made meanwhile (a rotated key, a pause, a salt).
/// </summary>
[GenerateSerializer, Immutable, Alias("Analytics.AppEdit")]
public sealed record class AppEdit
{
    /// <summary>The app's id.</summary>
    [Id(0)] public required string Id { get; init; }
    /// <summary>New display name.</summary>
    [Id(1)] public string? Name { get; init; }
    /// <summary>New SDK key.</summary>
    [Id(2)] public string? Key { get; init; }
    /// <summary>New two-letter country code.</summary>
    [Id(3)] public string? Country { get; init; }
    /// <summary>New IANA time zone.</summary>
    [Id(4)] public string? Timezone { get; init; }
    /// <summary>New category.</summary>
    [Id(5)] public string? Category { get; init; }
    /// <summary>New platform type.</summary>
    [Id(6)] public string? Type { get; init; }
    /// <summary>New checksum salt (empty disables checksums).</summary>
    [Id(7)] public string? Salt { get; init; }
    /// <summary>New paused flag.</summary>
    [Id(8)] public bool? Paused { get; init; }
    /// <summary>Unix seconds of the edit.</summary>
    [Id(9)] public long EditedAt { get; init; }

    /// <summary><paramref name="app"/> with the fields this edit sets.</summary>
    public AppRecord ApplyTo(AppRecord app) => app with
    {
        Name = Name ?? app.Name,
        Key = Key ?? app.Key,
        Country = Country ?? app.Country,
        Timezone = Timezone ?? app.Timezone,
        Category = Category ?? app.Category,
        Type = Type ?? app.Type,
        Salt = Salt ?? app.Salt,
        Paused = Paused ?? app.Paused,
        EditedAt = EditedAt > 0 ? EditedAt : app.EditedAt,
    };
}
