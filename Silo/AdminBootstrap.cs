using Analytics.Frontend.Accounts;
using Analytics.Grains;
using Analytics.Grains.Accounts;

namespace Analytics.Silo;

/// <summary>
/// Makes sure a global admin exists once the silo is up: with the configured
/// <c>Analytics:AdminApiKey</c>, or with a key generated on first start, written to
/// <c>{data dir}/admin-api-key</c> and printed (only its hash is stored in Table Storage).
/// </summary>
public sealed partial class AdminBootstrap(IGrainFactory grains, AccountsCache cache, IConfiguration configuration, ILogger<AdminBootstrap> logger, IHostApplicationLifetime lifetime) : BackgroundService
{
    /// <summary>Whether the admin exists.</summary>
    public bool IsDone { get; private set; }

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var started = new TaskCompletionSource();
        await using var reg = lifetime.ApplicationStarted.Register(() => started.TrySetResult());
        await started.Task.WaitAsync(stoppingToken);
        var accounts = grains.GetGrain<IAccountsGrain>(0);
        var configured = configuration["Analytics:AdminApiKey"];
        if (!string.IsNullOrWhiteSpace(configured))
        {
            cache.Apply((await accounts.EnsureAdminAsync(AccountRules.HashApiKey(configured.Trim()), replaceExistingKey: true)).Snapshot);
            LogConfigured(logger);
            IsDone = true;
            return;
        }

        var snapshot = await accounts.GetAsync();
        var keyFile = Path.Combine(DataDirectory(configuration), "admin-api-key");
        var saved = File.Exists(keyFile) ? File.ReadAllText(keyFile).Trim() : "";
        if (snapshot.Members.Any(m => m.GlobalAdmin))
        {
            // Print the saved key only if it is this storage's: the same data folder may have
            // served other storage (another account or table prefix) with an admin of its own.
            if (saved.Length > 0 && snapshot.Members.Any(m => m.GlobalAdmin && m.ApiKeyHash == AccountRules.HashApiKey(saved)))
            {
                LogExisting(logger, saved, keyFile);
            }
            else if (saved.Length > 0)
            {
                LogOtherKey(logger, keyFile);
            }

            IsDone = true;
            return;
        }

        // A new store: the saved key, if there is one, serves it too, so that the file never
        // loses the key of the store it was written for (only hashes are stored).
        var key = saved.Length > 0 ? saved : AccountRules.NewApiKey();
        cache.Apply((await accounts.EnsureAdminAsync(AccountRules.HashApiKey(key), replaceExistingKey: false)).Snapshot);
        if (saved.Length > 0)
        {
            Console.WriteLine($"Global admin api_key: {key}  (from {keyFile})");
            LogExisting(logger, key, keyFile);
            IsDone = true;
            return;
        }

        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(keyFile)!);
            // Created readable by its owner only: written first and restricted after, the key
            // would be readable by anyone for a moment under a usual umask (found in review).
            var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
            if (!OperatingSystem.IsWindows())
            {
                options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
                if (File.Exists(keyFile))
                {
                    // An empty file left before: UnixCreateMode applies only to a new file.
                    File.SetUnixFileMode(keyFile, UnixFileMode.UserRead | UnixFileMode.UserWrite);
                }
            }

            await using (var writer = new StreamWriter(keyFile, options))
            {
                await writer.WriteAsync(key + Environment.NewLine);
            }
        }
        catch (IOException e)
        {
            LogKeyFileFailed(logger, e, keyFile);
        }

        Console.WriteLine($"Global admin api_key: {key}  (saved in {keyFile})");
        LogGenerated(logger, keyFile);
        IsDone = true;
    }

    /// <summary>The data folder: <c>Analytics:DataDir</c>, else <c>ANALYTICS_DATA_DIR</c>, else <c>./.data</c>.</summary>
    public static string DataDirectory(IConfiguration configuration) =>
        Path.GetFullPath(configuration["Analytics:DataDir"] ?? Environment.GetEnvironmentVariable("ANALYTICS_DATA_DIR") ?? ".data");

    [LoggerMessage(Level = LogLevel.Information, Message = "Global admin api_key taken from configuration")]
    private static partial void LogConfigured(ILogger logger);

    [LoggerMessage(Level = LogLevel.Information, Message = "Global admin api_key: {Key} (from {File})")]
    private static partial void LogExisting(ILogger logger, string key, string file);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The api_key saved in {File} is not a global admin's in this storage; set Analytics__AdminApiKey to make a key one")]
    private static partial void LogOtherKey(ILogger logger, string file);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Generated a global admin api_key; saved in {File}")]
    private static partial void LogGenerated(ILogger logger, string file);

    [LoggerMessage(Level = LogLevel.Error, Message = "Could not write the admin api key file {File}")]
    private static partial void LogKeyFileFailed(ILogger logger, Exception e, string file);
}
