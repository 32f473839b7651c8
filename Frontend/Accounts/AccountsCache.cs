using System.Collections.Frozen;
using Analytics.Grains;
using Analytics.Grains.Accounts;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Analytics.Frontend.Accounts;

/// <summary>
/// The Frontend's copy of all apps and members, indexed by app key, app id and api-key hash,
/// refreshed from <see cref="IAccountsGrain"/> every few seconds and at once after a change
/// made through this Frontend. <c>/i</c> never calls a grain to find its app.
/// </summary>
public sealed partial class AccountsCache(IGrainFactory grains, IOptions<FrontendOptions> options, ILogger<AccountsCache> logger) : BackgroundService
{
    private volatile Index? _index;

    /// <summary>Whether a snapshot has been loaded.</summary>
    public bool IsLoaded => _index is not null;

    /// <summary>All apps.</summary>
    public IReadOnlyList<AppRecord> Apps => _index?.Snapshot.Apps ?? [];

    /// <summary>The app with SDK key <paramref name="key"/>.</summary>
    public AppRecord? AppByKey(string key) => _index?.ByKey.GetValueOrDefault(key);

    /// <summary>The app with id <paramref name="id"/>.</summary>
    public AppRecord? AppById(string id) => _index?.ById.GetValueOrDefault(id);

    /// <summary>The member owning api key <paramref name="apiKey"/> (looked up by its hash).</summary>
    public MemberRecord? MemberByApiKey(string apiKey) => _index?.ByKeyHash.GetValueOrDefault(AccountRules.HashApiKey(apiKey));

    /// <summary>The member with id <paramref name="id"/>.</summary>
    public MemberRecord? MemberById(string id) => _index?.Snapshot.Members.FirstOrDefault(m => m.Id == id);

    /// <summary>All members.</summary>
    public IReadOnlyList<MemberRecord> Members => _index?.Snapshot.Members ?? [];

    /// <summary>Takes <paramref name="snapshot"/> if it is newer than the cached one.</summary>
    public void Apply(AccountsSnapshot snapshot)
    {
        var current = _index;
        if (current is null || snapshot.Version > current.Snapshot.Version)
        {
            _index = new Index(snapshot);
        }
    }

    /// <summary>Loads the snapshot now.</summary>
    public async Task RefreshAsync() => Apply(await grains.GetGrain<IAccountsGrain>(0).GetAsync());

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var period = TimeSpan.FromMilliseconds(Math.Max(100, options.Value.AccountsRefreshMs));
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await RefreshAsync();
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                if (IsLoaded)
                {
                    LogRefreshFailed(logger, e);
                }
            }

            try
            {
                await Task.Delay(IsLoaded ? period : TimeSpan.FromMilliseconds(200), stoppingToken);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Refreshing the accounts snapshot failed; serving the cached one")]
    private static partial void LogRefreshFailed(ILogger logger, Exception e);

    private sealed class Index(AccountsSnapshot snapshot)
    {
        public AccountsSnapshot Snapshot { get; } = snapshot;
        public FrozenDictionary<string, AppRecord> ByKey { get; } = snapshot.Apps.GroupBy(a => a.Key).ToFrozenDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);
        public FrozenDictionary<string, AppRecord> ById { get; } = snapshot.Apps.ToFrozenDictionary(a => a.Id, StringComparer.Ordinal);
        public FrozenDictionary<string, MemberRecord> ByKeyHash { get; } = snapshot.Members.GroupBy(m => m.ApiKeyHash).ToFrozenDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);
    }
}
