namespace Analytics.Tests.Infrastructure;

/// <summary>
/// An Azurite of its own and one Azure Table cluster on it (a test prefix, a shared admin key),
/// for tests that start several silo and frontend processes. Dispose the processes first (declare
/// them after this), then this stops Azurite.
/// </summary>
public sealed class ProcessCluster : IAsyncDisposable
{
    private ProcessCluster(AzuriteProcess azurite)
    {
        Azurite = azurite;
        Prefix = AzuriteFixture.NewPrefix();
    }

    /// <summary>The cluster's Azurite.</summary>
    public AzuriteProcess Azurite { get; }

    /// <summary>The test prefix of the cluster's tables.</summary>
    public string Prefix { get; }

    /// <summary>The global admin's api key every process is started with.</summary>
    public string AdminKey { get; } = Guid.NewGuid().ToString("N");

    /// <summary>Starts Azurite.</summary>
    public static async Task<ProcessCluster> StartAsync() => new(await AzuriteProcess.StartAsync());

    /// <summary>Starts a silo of the cluster with <paramref name="settings"/> added to its environment.</summary>
    public Task<ServerProcess> SiloAsync(params (string Name, string Value)[] settings) => StartAsync(ServerProcess.SiloDll(), settings);

    /// <summary>Starts a separate frontend process (Frontend.Host) of the cluster.</summary>
    public Task<ServerProcess> FrontendAsync(params (string Name, string Value)[] settings) => StartAsync(ServerProcess.FrontendDll(), settings);

    /// <inheritdoc />
    public ValueTask DisposeAsync() => Azurite.DisposeAsync();

    private Task<ServerProcess> StartAsync(string dll, (string Name, string Value)[] settings)
    {
        var environment = ServerProcess.Clustered(Prefix);
        foreach (var (name, value) in settings)
        {
            environment[name] = value;
        }

        return ServerProcess.StartAsync(Azurite.ConnectionString, Prefix, environment, AdminKey, dll);
    }
}
