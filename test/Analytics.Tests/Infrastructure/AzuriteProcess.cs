using System.Diagnostics;

namespace Analytics.Tests.Infrastructure;

/// <summary>
/// A real Azurite Table service (npm, pinned in package-lock.json) on a free loopback port,
/// in memory or persisted in a folder; stopped and started again on the same port on demand.
/// </summary>
public sealed class AzuriteProcess : IAsyncDisposable
{
    private const string AccountKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";
    private readonly string? _location;
    private Process? _process;

    private AzuriteProcess(int port, string? location)
    {
        Port = port;
        _location = location;
    }

    /// <summary>The Table service port.</summary>
    public int Port { get; }

    /// <summary>Connection string for Azure.Data.Tables.</summary>
    public string ConnectionString => ConnectionStringVia(Port);

    /// <summary>The connection string through another port (a <see cref="FaultProxy"/> in front of this Azurite).</summary>
    public string ConnectionStringVia(int port) =>
        $"DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey={AccountKey};TableEndpoint=http://127.0.0.1:{port}/devstoreaccount1;";

    /// <summary>
    /// Starts Azurite in memory (or persisted under <paramref name="location"/>). A port picked
    /// free can be taken by another test's process before Azurite binds it; then Azurite exits
    /// and the port answers as something else, so the start is tried again on another port.
    /// </summary>
    public static async Task<AzuriteProcess> StartAsync(string? location = null)
    {
        for (var attempt = 1; ; attempt++)
        {
            var azurite = new AzuriteProcess(FreePort.Next(), location);
            try
            {
                await azurite.StartAgainAsync();
                return azurite;
            }
            catch (PortTakenException) when (attempt < 5)
            {
                await azurite.StopAsync();
            }
        }
    }

    /// <summary>Starts the process again on the same port (after <see cref="StopAsync"/>).</summary>
    public async Task StartAgainAsync()
    {
        var main = Path.Combine(RepoPaths.NodeModules, "azurite", "dist", "src", "table", "main.js");
        if (!File.Exists(main))
        {
            throw new InvalidOperationException($"Azurite is not installed ({main}); run `npm ci` in {RepoPaths.Root}.");
        }

        var workDir = _location ?? Path.Combine(Path.GetTempPath(), "azurite-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(workDir);
        var args = $"\"{main}\" --tableHost 127.0.0.1 --tablePort {Port} --disableTelemetry --silent --skipApiVersionCheck --loose "
            + (_location is null ? "--inMemoryPersistence" : $"--location \"{_location}\"");
        var psi = new ProcessStartInfo("node", args)
        {
            WorkingDirectory = workDir,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        _process = Process.Start(psi) ?? throw new InvalidOperationException("node did not start");
        _process.OutputDataReceived += (_, _) => { };
        _process.ErrorDataReceived += (_, _) => { };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        await FreePort.WaitListeningAsync(Port, TimeSpan.FromSeconds(90));
        if (!await AnswersAsAzuriteAsync())
        {
            throw new PortTakenException($"127.0.0.1:{Port} does not answer as Azurite (Azurite exited: {_process.HasExited}).");
        }
    }

    /// <summary>Whether what listens on <see cref="Port"/> is this Azurite (its <c>Server</c> header), not another process that took the port.</summary>
    private async Task<bool> AnswersAsAzuriteAsync()
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
        for (var attempt = 0; attempt < 50 && _process is { HasExited: false }; attempt++)
        {
            try
            {
                using var response = await http.GetAsync($"http://127.0.0.1:{Port}/devstoreaccount1/Tables");
                return response.Headers.Server.ToString().Contains("Azurite", StringComparison.Ordinal);
            }
            catch (HttpRequestException)
            {
                await Task.Delay(100);
            }
        }

        return false;
    }

    /// <summary>The port Azurite was to listen on answers as something else.</summary>
    private sealed class PortTakenException(string message) : Exception(message);

    /// <summary>Stops the process (SIGINT: Azurite writes its database file only on this signal).</summary>
    public async Task StopAsync()
    {
        if (_process is { HasExited: false } p)
        {
            ProcessControl.Interrupt(p);
            if (!p.WaitForExit(10_000))
            {
                p.Kill(entireProcessTree: true);
            }

            await p.WaitForExitAsync();
        }

        _process?.Dispose();
        _process = null;
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync() => await StopAsync();
}
