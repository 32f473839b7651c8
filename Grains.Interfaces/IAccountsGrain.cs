namespace Analytics.Grains;

/// <summary>
/// The single registry of apps and dashboard members (key 0). Small and rarely written, so one
/// grain with one persisted state; frontends cache its snapshot.
/// </summary>
public interface IAccountsGrain : IGrainWithIntegerKey
{
    /// <summary>The current snapshot.</summary>
    Task<AccountsSnapshot> GetAsync();

    /// <summary>Creates a member (Countly <c>/i/users/create</c>).</summary>
    Task<AccountChange> CreateMemberAsync(MemberRecord member);

    /// <summary>Replaces a member's editable fields, keeping its api key.</summary>
    /// <remarks>Served for frontends of earlier versions during a rolling upgrade; current ones call <see cref="EditMemberAsync"/>.</remarks>
    Task<AccountChange> UpdateMemberAsync(MemberRecord member);

    /// <summary>Sets the fields <paramref name="edit"/> names on the member as stored (Countly <c>/i/users/update</c>).</summary>
    Task<AccountChange> EditMemberAsync(MemberEdit edit);

    /// <summary>Deletes members (Countly <c>/i/users/delete</c>).</summary>
    Task<AccountChange> DeleteMembersAsync(string[] memberIds);

    /// <summary>Creates an app; a duplicate key is refused with Countly's message.</summary>
    Task<AccountChange> CreateAppAsync(AppRecord app);

    /// <summary>Replaces an app's editable fields, keeping its epoch and events version; a duplicate key is refused.</summary>
    /// <remarks>Served for frontends of earlier versions during a rolling upgrade; current ones call <see cref="EditAppAsync"/>.</remarks>
    Task<AccountChange> UpdateAppAsync(AppRecord app);

    /// <summary>Sets the fields <paramref name="edit"/> names on the app as stored; a key another app uses is refused.</summary>
    Task<AccountChange> EditAppAsync(AppEdit edit);

    /// <summary>Deletes an app and removes it from every member's rights; the change names the app as it was.</summary>
    Task<AccountChange> DeleteAppAsync(string appId);

    /// <summary>Starts an app over: bumps its epoch so every device is new again.</summary>
    Task<AccountChange> ResetAppAsync(string appId);

    /// <summary>Increments the app's <see cref="AppRecord.EventsVersion"/>: some of its events were deleted.</summary>
    Task<AccountChange> EventsDeletedAsync(string appId);

    /// <summary>Makes sure a global admin with this api key hash exists (first start, or a configured key).</summary>
    Task<AccountChange> EnsureAdminAsync(string apiKeyHash, bool replaceExistingKey);
}
