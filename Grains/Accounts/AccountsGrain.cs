namespace Analytics.Grains.Accounts;

/// <summary>
/// Apps and members. Write-through: every change is written before it is acknowledged,
/// because changes are rare and losing an app or an api key is not acceptable.
/// </summary>
public sealed class AccountsGrain([PersistentState("accounts", AccountsGrain.StorageName)] IPersistentState<AccountsState> state) : Grain, IAccountsGrain
{
    /// <summary>The grain storage provider name.</summary>
    public const string StorageName = "accounts";

    Task<AccountsSnapshot> IAccountsGrain.GetAsync() => Task.FromResult(Snapshot());

    async Task<AccountChange> IAccountsGrain.CreateMemberAsync(MemberRecord member)
    {
        if (state.State.Members.Any(m => string.Equals(m.Username, member.Username, StringComparison.OrdinalIgnoreCase)
            || (member.Email.Length > 0 && string.Equals(m.Email, member.Email, StringComparison.OrdinalIgnoreCase))))
        {
            return Refused("Email or username already exists", 400);
        }

        state.State.Members.Add(member);
        await SaveAsync();
        return new AccountChange { Snapshot = Snapshot(), Member = member };
    }

    // An earlier version's frontend sends its whole copy of the member: the api key stays the stored one.
    Task<AccountChange> IAccountsGrain.UpdateMemberAsync(MemberRecord member) =>
        ChangeMemberAsync(member.Id, stored => member with { ApiKeyHash = stored.ApiKeyHash });

    // Only the fields the edit names change, on the member as stored now: a caller's copy may be
    // a moment old, and a lock, revoked rights or a replaced key (the admin key at a silo's
    // start) made meanwhile must stay.
    Task<AccountChange> IAccountsGrain.EditMemberAsync(MemberEdit edit) => ChangeMemberAsync(edit.Id, edit.ApplyTo);

    async Task<AccountChange> IAccountsGrain.DeleteMembersAsync(string[] memberIds)
    {
        state.State.Members.RemoveAll(m => memberIds.Contains(m.Id));
        await SaveAsync();
        return new AccountChange { Snapshot = Snapshot() };
    }

    async Task<AccountChange> IAccountsGrain.CreateAppAsync(AppRecord app)
    {
        if (state.State.Apps.Any(a => a.Key == app.Key))
        {
            return Refused("App key already in use", 400);
        }

        state.State.Apps.Add(app);
        await SaveAsync();
        return new AccountChange { Snapshot = Snapshot(), App = app };
    }

    Task<AccountChange> IAccountsGrain.UpdateAppAsync(AppRecord app)
    {
        if (state.State.Apps.Exists(a => a.Id == app.Id) && state.State.Apps.Exists(a => a.Key == app.Key && a.Id != app.Id))
        {
            return Task.FromResult(Refused("App key already in use", 400));
        }

        // An earlier version's frontend sends its whole copy of the app: the epoch and the events
        // version stay the stored ones (taking them from a stale copy could undo a reset or a delete).
        return ChangeAppAsync(app.Id, stored => app with { Epoch = stored.Epoch, EventsVersion = stored.EventsVersion });
    }

    Task<AccountChange> IAccountsGrain.EditAppAsync(AppEdit edit)
    {
        if (state.State.Apps.Exists(a => a.Id == edit.Id) && edit.Key is not null && state.State.Apps.Exists(a => a.Key == edit.Key && a.Id != edit.Id))
        {
            return Task.FromResult(Refused("App key already in use", 400));
        }

        // Only the fields the edit names change, on the app as stored now: a caller's copy may be a
        // moment old, and what was changed meanwhile must stay (a rotated key, a pause; the epoch
        // and events version, whose loss would make every counter grain of the app drop what is
        // sent from then on).
        return ChangeAppAsync(edit.Id, edit.ApplyTo);
    }

    Task<AccountChange> IAccountsGrain.EventsDeletedAsync(string appId) =>
        ChangeAppAsync(appId, stored => stored with { EventsVersion = stored.EventsVersion + 1 });

    async Task<AccountChange> IAccountsGrain.DeleteAppAsync(string appId)
    {
        var removed = state.State.Apps.Find(a => a.Id == appId);
        if (removed is null)
        {
            return Refused("App does not exist", 400);
        }

        state.State.Apps.Remove(removed);

        for (var i = 0; i < state.State.Members.Count; i++)
        {
            var m = state.State.Members[i];
            if (m.AdminOf.Contains(appId) || m.UserOf.Contains(appId))
            {
                state.State.Members[i] = m with { AdminOf = m.AdminOf.Where(a => a != appId).ToList(), UserOf = m.UserOf.Where(a => a != appId).ToList() };
            }
        }

        await SaveAsync();
        return new AccountChange { Snapshot = Snapshot(), App = removed };
    }

    Task<AccountChange> IAccountsGrain.ResetAppAsync(string appId) =>
        ChangeAppAsync(appId, stored => stored with { Epoch = stored.Epoch + 1 });

    /// <summary>Replaces app <paramref name="appId"/> with <paramref name="change"/> of its stored record, and saves.</summary>
    private async Task<AccountChange> ChangeAppAsync(string appId, Func<AppRecord, AppRecord> change)
    {
        var index = state.State.Apps.FindIndex(a => a.Id == appId);
        if (index < 0)
        {
            return Refused("App does not exist", 400);
        }

        var app = change(state.State.Apps[index]);
        state.State.Apps[index] = app;
        await SaveAsync();
        return new AccountChange { Snapshot = Snapshot(), App = app };
    }

    /// <summary>Replaces member <paramref name="memberId"/> with <paramref name="change"/> of its stored record, and saves.</summary>
    private async Task<AccountChange> ChangeMemberAsync(string memberId, Func<MemberRecord, MemberRecord> change)
    {
        var index = state.State.Members.FindIndex(m => m.Id == memberId);
        if (index < 0)
        {
            return Refused("User does not exist", 400);
        }

        var member = change(state.State.Members[index]);
        state.State.Members[index] = member;
        await SaveAsync();
        return new AccountChange { Snapshot = Snapshot(), Member = member };
    }

    async Task<AccountChange> IAccountsGrain.EnsureAdminAsync(string apiKeyHash, bool replaceExistingKey)
    {
        var existing = state.State.Members.FindIndex(m => m.ApiKeyHash == apiKeyHash);
        if (existing >= 0)
        {
            var m = state.State.Members[existing];
            if (!m.GlobalAdmin || m.Locked)
            {
                state.State.Members[existing] = m with { GlobalAdmin = true, Locked = false };
                await SaveAsync();
            }

            return new AccountChange { Snapshot = Snapshot(), Member = state.State.Members[existing] };
        }

        var admin = state.State.Members.FindIndex(m => m.GlobalAdmin && m.Username == "admin");
        if (admin >= 0 && !replaceExistingKey)
        {
            return new AccountChange { Snapshot = Snapshot(), Member = state.State.Members[admin] };
        }

        if (admin >= 0)
        {
            state.State.Members[admin] = state.State.Members[admin] with { ApiKeyHash = apiKeyHash };
        }
        else
        {
            state.State.Members.Add(new MemberRecord
            {
                Id = AccountRules.NewObjectId(),
                Username = "admin",
                FullName = "Administrator",
                ApiKeyHash = apiKeyHash,
                GlobalAdmin = true,
                CreatedAt = DateTimeOffset.UtcNow.ToUnixTimeSeconds(),
            });
            admin = state.State.Members.Count - 1;
        }

        await SaveAsync();
        return new AccountChange { Snapshot = Snapshot(), Member = state.State.Members[admin] };
    }

    private AccountChange Refused(string message, int status) => new() { Snapshot = Snapshot(), Error = message, Status = status };

    private AccountsSnapshot Snapshot() => new()
    {
        Version = state.State.Version,
        Apps = [.. state.State.Apps],
        Members = [.. state.State.Members],
    };

    /// <summary>
    /// Writes the change made to the state. If the write fails the change is not made: the state
    /// is read back (or, if that fails too, this activation is given up), so that nobody is shown
    /// a change whose caller was told it failed, and its version number is not used twice.
    /// </summary>
    private async Task SaveAsync()
    {
        state.State.Version++;
        try
        {
            await state.WriteStateAsync();
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            try
            {
                await state.ReadStateAsync();
            }
            catch (Exception again) when (again is not OutOfMemoryException)
            {
                DeactivateOnIdle();
            }

            throw;
        }
    }
}
