using Analytics.Grains.Hosting;
using Analytics.Grains.Storage;
using Azure.Data.Tables;
using Orleans.Configuration;

namespace Analytics.Frontend.Host;

/// <summary>The Orleans client of a separate frontend: the same cluster identity and membership table as the silos.</summary>
public static class ClientSetup
{
    /// <summary>Configures <paramref name="client"/> from <paramref name="configuration"/>.</summary>
    public static void Configure(IClientBuilder client, IConfiguration configuration)
    {
        var storage = configuration.GetSection(StorageOptions.Section).Get<StorageOptions>() ?? new StorageOptions();
        var cluster = configuration.GetSection(AnalyticsClusterOptions.Section).Get<AnalyticsClusterOptions>() ?? new AnalyticsClusterOptions();
        client.Configure<ClusterOptions>(o =>
        {
            o.ClusterId = cluster.ClusterId;
            o.ServiceId = cluster.ServiceId;
        });
        if (string.Equals(cluster.Clustering, "azuretable", StringComparison.OrdinalIgnoreCase))
        {
            if (string.IsNullOrWhiteSpace(storage.ConnectionString))
            {
                throw new InvalidOperationException("Analytics:Storage:ConnectionString is required for azuretable clustering.");
            }

            client.UseAzureStorageClustering(o =>
            {
                o.TableServiceClient = new TableServiceClient(storage.ConnectionString, TableStore.ClientOptions());
                o.TableName = storage.TablePrefix + "silos";
            });
        }
        else
        {
            client.UseLocalhostClustering(cluster.GatewayPort);
        }

        if (configuration.GetValue("Analytics:Telemetry:GrainCallTracing", false))
        {
            client.AddActivityPropagation();
        }
    }
}
