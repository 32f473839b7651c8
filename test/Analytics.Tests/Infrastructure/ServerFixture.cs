namespace Analytics.Tests.Infrastructure;

/// <summary>Azurite and one running server shared by a test collection; tests create their own apps.</summary>
public sealed class ServerFixture : IAsyncLifetime
{
    private AzuriteProcess? _azurite;
    private ServerProcess? _server;

    /// <summary>The running Azurite.</summary>
    public AzuriteProcess Azurite => _azurite ?? throw new InvalidOperationException("not started");

    /// <summary>The running server.</summary>
    public ServerProcess Server => _server ?? throw new InvalidOperationException("not started");

    /// <summary>An API client for the server.</summary>
    public CountlyClient Api() => new(Server.Client(), Server.AdminKey);

    /// <inheritdoc />
    public async Task InitializeAsync()
    {
        _azurite = await AzuriteProcess.StartAsync();
        _server = await ServerProcess.StartAsync(_azurite.ConnectionString);
    }

    /// <inheritdoc />
    public async Task DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }

        if (_azurite is not null)
        {
            await _azurite.DisposeAsync();
        }
    }
}

/// <summary>Tests sharing one server.</summary>
[CollectionDefinition(nameof(ServerCollection))]
public sealed class ServerCollection : ICollectionFixture<ServerFixture>;
