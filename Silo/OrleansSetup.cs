using System.Net;
using System.Net.Sockets;
using Analytics.Grains.Accounts;
using Analytics.Grains.Hosting;
using Analytics.Grains.Storage;
using Azure.Data.Tables;
using Orleans.Configuration;
using Orleans.Dashboard;

namespace Analytics.Silo;

/// <summary>The silo's Orleans configuration: clustering, grain storage, collection, the write path.</summary>
public static class OrleansSetup
{
    /// <summary>Configures <paramref name="silo"/> from <paramref name="configuration"/>.</summary>
    public static void Configure(ISiloBuilder silo, IConfiguration configuration)
    {
        var storage = configuration.GetSection(StorageOptions.Section).Get<StorageOptions>() ?? new StorageOptions();
        var cluster = configuration.GetSection(AnalyticsClusterOptions.Section).Get<AnalyticsClusterOptions>() ?? new AnalyticsClusterOptions();
        if (string.IsNullOrWhiteSpace(storage.ConnectionString))
        {
            throw new InvalidOperationException("Analytics:Storage:ConnectionString is required (run.sh starts Azurite and sets it).");
        }

        var tables = new TableServiceClient(storage.ConnectionString, TableStore.ClientOptions());
        silo.Configure<ClusterOptions>(o =>
        {
            o.ClusterId = cluster.ClusterId;
            o.ServiceId = cluster.ServiceId;
        });

        if (string.Equals(cluster.Clustering, "azuretable", StringComparison.OrdinalIgnoreCase))
        {
            silo.UseAzureStorageClustering(o =>
            {
                o.TableServiceClient = tables;
                o.TableName = storage.TablePrefix + "silos";
            });
            var address = string.IsNullOrWhiteSpace(cluster.AdvertisedAddress) ? FirstAddress() : IPAddress.Parse(cluster.AdvertisedAddress);
            // A silo advertising a loopback address (run.sh's local cluster) listens on loopback
            // only: its ports take no authentication, and nothing outside the machine can use them.
            silo.ConfigureEndpoints(address, cluster.SiloPort, cluster.GatewayPort, listenOnAnyHostAddress: !IPAddress.IsLoopback(address));
        }
        else
        {
            silo.UseLocalhostClustering(cluster.SiloPort, cluster.GatewayPort);
        }

        silo.AddAzureTableGrainStorage(AccountsGrain.StorageName, o =>
        {
            o.TableServiceClient = tables;
            o.TableName = storage.TablePrefix + "grainstate";
        });
        silo.UseSystemTextJsonGrainStorageSerializer();
        silo.Configure<GrainDirectoryOptions>(o => o.CacheSize = Math.Max(1, cluster.DirectoryCacheSize));
        silo.Configure<GrainCollectionOptions>(o =>
        {
            o.CollectionQuantum = TimeSpan.FromSeconds(30);
            o.EnableActivationSheddingOnMemoryPressure = true;
        });
        if (configuration.GetValue("Analytics:Telemetry:GrainCallTracing", false))
        {
            // Trace context across grain calls: a filter on every call, so off unless asked for.
            silo.AddActivityPropagation();
        }

        if (configuration.GetValue("Analytics:Operator:Dashboard", true))
        {
            silo.AddDashboard(o => o.HideTrace = true);
        }
        silo.AddIngestPipeline();
    }

    private static IPAddress FirstAddress()
    {
        foreach (var a in Dns.GetHostAddresses(Dns.GetHostName()))
        {
            if (a.AddressFamily == AddressFamily.InterNetwork && !IPAddress.IsLoopback(a))
            {
                return a;
            }
        }

        return IPAddress.Loopback;
    }
}
