using System.Diagnostics;
using System.Net.Http.Json;
using System.Text;

namespace Analytics.Tests.Infrastructure;

/// <summary>
/// The real server (the all-in-one silo, built with the solution) as a child process on free
/// loopback ports, storing in tables with its own prefix; stopped cleanly (SIGTERM) or killed.
/// </summary>
public sealed class ServerProcess : IAsyncDisposable
{
    private readonly StringBuilder _log = new();
    private Process? _process;

    private ServerProcess(string connectionString, string prefix, string adminKey, string dataDir, IReadOnlyDictionary<string, string> environment, string dll)
    {
        Dll = dll;
        ConnectionString = connectionString;
        Prefix = prefix;
        AdminKey = adminKey;
        DataDir = dataDir;
        Environment = environment;
    }

    /// <summary>The program this process runs (the silo, or the separate frontend).</summary>
    public string Dll { get; }

    /// <summary>The storage connection string.</summary>
    public string ConnectionString { get; }

    /// <summary>The table prefix of this server's data.</summary>
    public string Prefix { get; }

    /// <summary>The global admin's api key.</summary>
    public string AdminKey { get; }

    /// <summary>The data folder.</summary>
    public string DataDir { get; }

    /// <summary>Extra environment variables.</summary>
    public IReadOnlyDictionary<string, string> Environment { get; }

    /// <summary>The HTTP port of the current run.</summary>
    public int Port { get; private set; }

    /// <summary>The base address of the current run.</summary>
    public Uri BaseAddress => new($"http://127.0.0.1:{Port}");

    /// <summary>Everything the process printed.</summary>
    public string Log
    {
        get
        {
            lock (_log)
            {
                return _log.ToString();
            }
        }
    }

    /// <summary>The environment that makes a server process a silo of the Azure Table cluster of test prefix <paramref name="prefix"/> on loopback.</summary>
    public static Dictionary<string, string> Clustered(string prefix) => new()
    {
        ["Analytics__Cluster__Clustering"] = "azuretable",
        ["Analytics__Cluster__AdvertisedAddress"] = "127.0.0.1",
        ["Analytics__Cluster__ClusterId"] = "test-" + prefix,
    };

    /// <summary>Starts a server and waits until <c>/o/ping</c> answers.</summary>
    public static async Task<ServerProcess> StartAsync(string connectionString, string? prefix = null, IReadOnlyDictionary<string, string>? environment = null, string? adminKey = null, string? dll = null)
    {
        var dataDir = Path.Combine(Path.GetTempPath(), "analytics-test-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(dataDir);
        var server = new ServerProcess(connectionString, prefix ?? AzuriteFixture.NewPrefix(), adminKey ?? Guid.NewGuid().ToString("N"), dataDir, environment ?? new Dictionary<string, string>(), dll ?? SiloDll());
        await server.StartAgainAsync();
        return server;
    }

    /// <summary>Path of the built silo.</summary>
    public static string SiloDll() => Built("Silo", "Analytics.Silo.dll");

    /// <summary>Path of the built separate frontend.</summary>
    public static string FrontendDll() => Built("Frontend.Host", "Analytics.Frontend.Host.dll");

    private static string Built(string project, string dll)
    {
        var configuration = AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Release{Path.DirectorySeparatorChar}", StringComparison.Ordinal) ? "Release" : "Debug";
        var path = Path.Combine(RepoPaths.Root, project, "bin", configuration, "net10.0", dll);
        return File.Exists(path) ? path : throw new InvalidOperationException($"{project} is not built: {path}");
    }

    /// <summary>Starts the process again on the same data (a new HTTP port unless <paramref name="samePort"/>).</summary>
    public async Task StartAgainAsync(bool samePort = false)
    {
        if (!samePort || Port == 0)
        {
            Port = FreePort.Next();
        }

        var psi = new ProcessStartInfo("dotnet", $"\"{Dll}\" --urls http://127.0.0.1:{Port}")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = DataDir,
        };
        psi.Environment["Analytics__Storage__ConnectionString"] = ConnectionString;
        psi.Environment["Analytics__Storage__TablePrefix"] = Prefix;
        psi.Environment["Analytics__AdminApiKey"] = AdminKey;
        psi.Environment["Analytics__Cluster__SiloPort"] = FreePort.Next().ToString(System.Globalization.CultureInfo.InvariantCulture);
        psi.Environment["Analytics__Cluster__GatewayPort"] = FreePort.Next().ToString(System.Globalization.CultureInfo.InvariantCulture);
        psi.Environment["Analytics__Cluster__ServiceId"] = "analytics-" + Prefix;
        psi.Environment["ANALYTICS_DATA_DIR"] = DataDir;
        psi.Environment["DOTNET_gcServer"] = "0";
        var geo = Path.Combine(RepoPaths.Root, ".data", "geoip", "GeoLite2-City.mmdb");
        if (File.Exists(geo))
        {
            psi.Environment["Analytics__Frontend__GeoIpDatabase"] = geo;
        }

        foreach (var (k, v) in Environment)
        {
            psi.Environment[k] = v;
        }

        _process = Process.Start(psi) ?? throw new InvalidOperationException("dotnet did not start");
        _process.OutputDataReceived += (_, e) => Append(e.Data);
        _process.ErrorDataReceived += (_, e) => Append(e.Data);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();

        using var http = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(5) };
        var deadline = DateTime.UtcNow.AddSeconds(90);
        while (DateTime.UtcNow < deadline)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException("The server exited during start-up:\n" + Log);
            }

            try
            {
                var response = await http.GetAsync("/o/ping");
                if (response.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
            }
            catch (TaskCanceledException)
            {
            }

            await Task.Delay(100);
        }

        throw new TimeoutException("The server did not become ready:\n" + Log);
    }

    /// <summary>Stops the process cleanly (SIGTERM) and waits for it.</summary>
    public async Task StopAsync()
    {
        if (_process is { HasExited: false } p)
        {
            ProcessControl.Terminate(p);
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(120));
            await p.WaitForExitAsync(cts.Token);
        }
    }

    /// <summary>Kills the process at once (SIGKILL), like a crash.</summary>
    public async Task KillAsync()
    {
        if (_process is { HasExited: false } p)
        {
            ProcessControl.Crash(p);
            await p.WaitForExitAsync();
        }
    }

    /// <summary>A client for this server.</summary>
    public HttpClient Client() => new() { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(30) };

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        try
        {
            await StopAsync();
        }
        catch (OperationCanceledException)
        {
            await KillAsync();
        }

        _process?.Dispose();
        try
        {
            Directory.Delete(DataDir, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_log)
        {
            if (_log.Length < 1_000_000)
            {
                _log.AppendLine(line);
            }

            if (System.Environment.GetEnvironmentVariable("ANALYTICS_TEST_LOG_DIR") is { Length: > 0 } dir)
            {
                File.AppendAllText(Path.Combine(dir, $"server-{Prefix}.log"), line + "\n");
            }
        }
    }
}
