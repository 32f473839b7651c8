using Analytics.Grains.Accounts;
using Analytics.Grains.Hosting;
using Analytics.Grains.Storage;
using Azure.Data.Tables;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Orleans.Hosting;
using Orleans.TestingHost;

namespace Analytics.Tests.Infrastructure;

/// <summary>An <see cref="InProcessTestCluster"/> running the real write path against Azurite.</summary>
public static class PipelineCluster
{
    /// <summary>
    /// Builds and deploys a cluster of <paramref name="silos"/> silos writing tables prefixed
    /// <paramref name="prefix"/>; <paramref name="storageOf"/> may give a silo (by its index) its
    /// own way to storage (a <see cref="FaultProxy"/>); <paramref name="configureSilo"/> adds to
    /// every silo's configuration.
    /// </summary>
    public static async Task<InProcessTestCluster> StartAsync(string connectionString, string prefix, short silos = 1, Action<StorageOptions>? configure = null, Func<int, string?>? storageOf = null, Action<ISiloBuilder>? configureSilo = null)
    {
        var builder = new InProcessTestClusterBuilder(silos);
        if (Environment.GetEnvironmentVariable("ANALYTICS_TEST_LOGS") == "1")
        {
            builder.ConfigureHost(h => h.Logging.AddSimpleConsole().SetMinimumLevel(LogLevel.Information));
        }

        builder.Options.ServiceId = "analytics-" + prefix;
        builder.ConfigureSilo((options, silo) =>
        {
            var index = int.Parse(options.SiloName.AsSpan(options.SiloName.LastIndexOf('_') + 1), System.Globalization.CultureInfo.InvariantCulture);
            silo.Services.Configure<StorageOptions>(o =>
            {
                o.ConnectionString = storageOf?.Invoke(index) ?? connectionString;
                o.TablePrefix = prefix;
                o.AggregateFlushMs = 100;
                o.CheckpointMs = 1000;
                configure?.Invoke(o);
            });
            silo.AddAzureTableGrainStorage(AccountsGrain.StorageName, o =>
            {
                o.TableServiceClient = new TableServiceClient(connectionString);
                o.TableName = prefix + "grainstate";
            });
            silo.UseSystemTextJsonGrainStorageSerializer();
            silo.AddIngestPipeline();
            configureSilo?.Invoke(silo);
        });
        var cluster = builder.Build();
        await cluster.DeployAsync();
        return cluster;
    }

    /// <summary>Polls <paramref name="probe"/> until it returns true or <paramref name="timeout"/> passes.</summary>
    public static async Task<bool> EventuallyAsync(Func<Task<bool>> probe, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(15));
        while (DateTime.UtcNow < deadline)
        {
            if (await probe())
            {
                return true;
            }

            await Task.Delay(100);
        }

        return await probe();
    }
}
