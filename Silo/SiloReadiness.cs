using Analytics.Frontend;
using Analytics.Grains.Hosting;

namespace Analytics.Silo;

/// <summary>Ready once the journal is open (recovery done) and the admin exists.</summary>
public sealed class SiloReadiness(IngestPipelineHost pipeline, AdminBootstrap admin) : IServerReadiness
{
    /// <inheritdoc />
    public bool IsReady => pipeline.IsReady && admin.IsDone;
}
