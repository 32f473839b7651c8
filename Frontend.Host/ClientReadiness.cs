using Analytics.Frontend.Accounts;

namespace Analytics.Frontend.Host;

/// <summary>An Orleans client is ready once it has reached the cluster (the accounts snapshot came back).</summary>
public sealed class ClientReadiness(AccountsCache accounts) : IServerReadiness
{
    /// <inheritdoc />
    public bool IsReady => accounts.IsLoaded;
}
