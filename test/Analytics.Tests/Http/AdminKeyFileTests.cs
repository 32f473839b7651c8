using Analytics.Tests.Infrastructure;

namespace Analytics.Tests.Http;

/// <summary>
/// A silo started without <c>Analytics__AdminApiKey</c> makes a global admin and saves its key in
/// the data folder. The same folder may serve other storage (another account or table prefix):
/// the saved key then serves that storage too, instead of a new key overwriting the file and the
/// first storage's key being lost (found by a new-user walkthrough: only hashes are stored).
/// </summary>
public sealed class AdminKeyFileTests(AzuriteFixture azurite) : IClassFixture<AzuriteFixture>
{
    [Fact]
    public async Task The_saved_admin_key_serves_every_storage_the_data_folder_is_used_with()
    {
        var environment = new Dictionary<string, string> { ["Analytics__AdminApiKey"] = "" };
        await using var server = await ServerProcess.StartAsync(azurite.Azurite.ConnectionString, environment: environment);
        var keyFile = Path.Combine(server.DataDir, "admin-api-key");
        var key = await SavedKeyAsync(keyFile);
        Assert.NotEqual(server.AdminKey, key);
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(keyFile));
        }
        await CreateAppAsync(server, key);

        // Another table prefix, the same data folder.
        await server.StopAsync();
        environment["Analytics__Storage__TablePrefix"] = AzuriteFixture.NewPrefix();
        await server.StartAgainAsync();
        await CreateAppAsync(server, key);
        Assert.Equal(key, (await File.ReadAllTextAsync(keyFile)).Trim());

        // And back: the first storage's admin still has it.
        await server.StopAsync();
        environment.Remove("Analytics__Storage__TablePrefix");
        await server.StartAgainAsync();
        await CreateAppAsync(server, key);
    }

    private static async Task<string> SavedKeyAsync(string keyFile)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (DateTime.UtcNow < deadline)
        {
            if (File.Exists(keyFile) && (await File.ReadAllTextAsync(keyFile)).Trim() is { Length: > 0 } key)
            {
                return key;
            }

            await Task.Delay(100);
        }

        throw new TimeoutException("No admin key was saved in " + keyFile);
    }

    /// <summary>Creates an app with <paramref name="key"/>, allowing the admin a moment to be made after start-up.</summary>
    private static async Task CreateAppAsync(ServerProcess server, string key)
    {
        using var api = new CountlyClient(server.Client(), key);
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            try
            {
                await api.CreateAppAsync();
                return;
            }
            catch (InvalidOperationException) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(200);
            }
        }
    }
}
