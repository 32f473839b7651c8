using Analytics.Grains.Journal;
using Analytics.Grains.Live;
using Analytics.Grains.Pipeline;
using Analytics.Grains.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Runtime;

namespace Analytics.Grains.Hosting;

/// <summary>Registers the write path (journal, aggregation, state forwarding, recovery) in a silo.</summary>
public static class SiloBuilderExtensions
{
    /// <summary>Adds the ingest pipeline services; <see cref="StorageOptions"/> must be configured.</summary>
    public static ISiloBuilder AddIngestPipeline(this ISiloBuilder builder)
    {
        var services = builder.Services;
        services.AddSingleton<TableStore>();
        services.AddSingleton<IngestJournal>();
        services.AddSingleton<JournalLiveness>();
        services.AddSingleton<JournalWatch>();
        services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>>(sp => sp.GetRequiredService<JournalWatch>());
        services.AddSingleton(sp => new DeltaAggregator(
            sp.GetRequiredService<IGrainFactory>(), sp.GetRequiredService<TableStore>(), sp.GetRequiredService<IngestJournal>().JournalId,
            sp.GetRequiredService<IOptions<StorageOptions>>().Value, sp.GetRequiredService<ILogger<DeltaAggregator>>()));
        services.AddSingleton(sp => new StateForwarder(
            sp.GetRequiredService<IGrainFactory>(), sp.GetRequiredService<TableStore>(), sp.GetRequiredService<IngestJournal>().JournalId,
            sp.GetRequiredService<IOptions<StorageOptions>>().Value, sp.GetRequiredService<ILogger<StateForwarder>>()));
        services.AddSingleton(sp => new JournalRecovery(
            sp.GetRequiredService<IGrainFactory>(), sp.GetRequiredService<TableStore>(),
            sp.GetRequiredService<IOptions<StorageOptions>>().Value, sp.GetRequiredService<ILogger<JournalRecovery>>()));
        services.AddOptions<LiveOptions>().BindConfiguration(LiveOptions.Section);
        services.AddOptions<AnalyticsClusterOptions>().BindConfiguration(AnalyticsClusterOptions.Section);
        services.AddSingleton<LiveTracker>();
        services.AddSingleton<Devices.BucketLeftovers>();
        services.TryAddSingleton(typeof(GrainRefs<>));
        services.AddSingleton<IngestPipelineHost>();
        services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>>(sp => sp.GetRequiredService<IngestPipelineHost>());
        services.AddPlacementDirector<SiloOfKeyPlacement, SiloOfKeyPlacementDirector>();
        builder.AddIncomingGrainCallFilter<GrainCallCounter>();
        return builder;
    }
}
