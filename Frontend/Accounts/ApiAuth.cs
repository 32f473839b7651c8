using Analytics.Frontend.Http;
using Analytics.Grains;

namespace Analytics.Frontend.Accounts;

/// <summary>Countly's dashboard-user authentication and rights checks (spec §3.1), answering with its messages.</summary>
public static class ApiAuth
{
    /// <summary>Countly's message when no key is given.</summary>
    public const string MissingKey = "Missing parameter \"api_key\" or \"auth_token\"";

    /// <summary>The member behind the request's <c>api_key</c>, <c>auth_token</c> or <c>countly-token</c> header; null after answering the error.</summary>
    public static async Task<MemberRecord?> MemberAsync(ApiContext api, AccountsCache accounts) =>
        await MemberAsync(api, accounts, lockedLater: false);

    /// <summary>
    /// <see cref="MemberAsync(ApiContext, AccountsCache)"/>; with <paramref name="lockedLater"/> a
    /// locked member is returned, for <see cref="ReadableAppAsync"/> to refuse after the rights
    /// check (Countly's order for data reads, spec §3.1).
    /// </summary>
    public static async Task<MemberRecord?> MemberAsync(ApiContext api, AccountsCache accounts, bool lockedLater)
    {
        var key = api.Params.GetString("api_key");
        if (string.IsNullOrEmpty(key))
        {
            key = api.Params.GetString("auth_token");
        }

        if (string.IsNullOrEmpty(key))
        {
            key = api.Http.Request.Headers["countly-token"].ToString();
        }

        if (string.IsNullOrEmpty(key))
        {
            await api.MessageAsync(400, MissingKey);
            return null;
        }

        var member = key.Length <= 128 ? accounts.MemberByApiKey(key) : null;
        if (member is null)
        {
            await api.MessageAsync(401, "User does not exist");
            return null;
        }

        if (member.Locked && !lockedLater)
        {
            await api.MessageAsync(401, "User is locked");
            return null;
        }

        return member;
    }

    /// <summary>The app <c>app_id</c> names if <paramref name="member"/> may read it; null after answering the error.</summary>
    public static async Task<AppRecord?> ReadableAppAsync(ApiContext api, AccountsCache accounts, MemberRecord member, string appId)
    {
        if (!member.CanRead(appId))
        {
            await api.MessageAsync(401, "User does not have right");
            return null;
        }

        if (member.Locked)
        {
            await api.MessageAsync(401, "User is locked");
            return null;
        }

        var app = accounts.AppById(appId);
        if (app is null)
        {
            await api.MessageAsync(401, "App does not exist");
            return null;
        }

        return app;
    }

    /// <summary>Answers 401 unless <paramref name="member"/> is a global admin.</summary>
    public static async Task<bool> RequireGlobalAdminAsync(ApiContext api, MemberRecord member)
    {
        if (member.GlobalAdmin)
        {
            return true;
        }

        await api.MessageAsync(401, "User does not have right");
        return false;
    }
}
