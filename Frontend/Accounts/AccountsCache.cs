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
/// <remarks>
/// Requests are stamped with the app's reset epoch from this copy, and a reset answers only
/// <see cref="ChangeWait"/> after its change, by when every process's copy must have it: so a
/// copy whose newest successful refresh started more than <see cref="MaxAge"/> ago is stale,
/// and the write API and readiness refuse while it is (its process cannot reach the cluster).
/// Both bounds are constants, whatever each process's <c>AccountsRefreshMs</c> (at most
/// <see cref="MaxRefreshMs"/>), so that processes configured differently still agree.
/// </remarks>
public sealed partial class AccountsCache(IGrainFactory grains, IOptions<FrontendOptions> options, ILogger<AccountsCache> logger) : BackgroundService
{
    /// <summary>The longest refresh period; a larger <c>AccountsRefreshMs</c> is taken as this.</summary>
    public const int MaxRefreshMs = 2000;

    /// <summary>How old a copy may be (from the start of its newest successful refresh) and still serve writes.</summary>
    public static readonly TimeSpan MaxAge = TimeSpan.FromMilliseconds(MaxRefreshMs + 2500);

    /// <summary>How long a change that every process must see before it is answered (an app reset, deleted events) waits.</summary>
    public static readonly TimeSpan ChangeWait = MaxAge + TimeSpan.FromMilliseconds(500);

    private Index? _index;

    /// <summary><see cref="Environment.TickCount64"/> when the newest successful refresh started.</summary>
    private long _refreshedAt;

    private Index? Current => Volatile.Read(ref _index);

    /// <summary>Whether a snapshot has been loaded.</summary>
    public bool IsLoaded => Current is not null;

    /// <summary>Whether the copy is loaded and not older than <see cref="MaxAge"/>.</summary>
    public bool IsFresh => IsLoaded && Environment.TickCount64 - Interlocked.Read(ref _refreshedAt) <= (long)MaxAge.TotalMilliseconds;

    /// <summary>All apps.</summary>
    public IReadOnlyList<AppRecord> Apps => Current?.Snapshot.Apps ?? [];

    /// <summary>The app with SDK key <paramref name="key"/>.</summary>
    public AppRecord? AppByKey(string key) => Current?.ByKey.GetValueOrDefault(key);

    /// <summary>The app with id <paramref name="id"/>.</summary>
    public AppRecord? AppById(string id) => Current?.ById.GetValueOrDefault(id);

    /// <summary>The member owning api key <paramref name="apiKey"/> (looked up by its hash).</summary>
    public MemberRecord? MemberByApiKey(string apiKey) => Current?.ByKeyHash.GetValueOrDefault(AccountRules.HashApiKey(apiKey));

    /// <summary>The member with id <paramref name="id"/>.</summary>
    public MemberRecord? MemberById(string id) => Current?.Snapshot.Members.FirstOrDefault(m => m.Id == id);

    /// <summary>All members.</summary>
    public IReadOnlyList<MemberRecord> Members => Current?.Snapshot.Members ?? [];

    /// <summary>Takes <paramref name="snapshot"/> if it is newer than the cached one (a refresh and a handler may apply at once).</summary>
    public void Apply(AccountsSnapshot snapshot)
    {
        while (true)
        {
            var current = Current;
            if (current is not null && snapshot.Version <= current.Snapshot.Version)
            {
                return;
            }

            if (Interlocked.CompareExchange(ref _index, new Index(snapshot), current) == current)
            {
                return;
            }
        }
    }

    /// <summary>Loads the snapshot now; the copy then counts as fresh from when this call started.</summary>
    public async Task RefreshAsync()
    {
        var started = Environment.TickCount64;
        Apply(await grains.GetGrain<IAccountsGrain>(0).GetAsync());
        for (var seen = Interlocked.Read(ref _refreshedAt); seen < started; seen = Interlocked.Read(ref _refreshedAt))
        {
            if (Interlocked.CompareExchange(ref _refreshedAt, started, seen) == seen)
            {
                break;
            }
        }
    }

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // From the start of one refresh to the next, so that a slow call does not stretch it.
        var period = TimeSpan.FromMilliseconds(Math.Clamp(options.Value.AccountsRefreshMs, 100, MaxRefreshMs));
        while (!stoppingToken.IsCancellationRequested)
        {
            var started = DateTime.UtcNow;
            try
            {
                await RefreshAsync();
            }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested)
            {
                // Also a call cancelled by Orleans (not by the stop): the loop must go on.
                if (IsLoaded)
                {
                    LogRefreshFailed(logger, e);
                }
            }
            catch (Exception)
            {
                break;
            }

            try
            {
                var wait = IsLoaded ? period - (DateTime.UtcNow - started) : TimeSpan.FromMilliseconds(200);
                await Task.Delay(wait > TimeSpan.Zero ? wait : TimeSpan.Zero, stoppingToken);
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
