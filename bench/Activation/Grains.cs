using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using Orleans.Concurrency;

namespace Analytics.Bench.Activation;

/// <summary>A call that does nothing but answer.</summary>
public interface IDeviceLike : IAddressable
{
    /// <summary>The <paramref name="i"/>-th call of a session (0 to 5).</summary>
    Task<int> CallAsync(int i);
}

/// <summary>A grain that stays activated.</summary>
public interface ILiveGrain : IGrainWithIntegerKey, IDeviceLike;

/// <summary>Like <see cref="IBucketedGrain"/>, and each call waits for a shared group commit before it answers.</summary>
public interface IDurableGrain : IGrainWithStringKey, IDeviceLike;

/// <summary>A grain that deactivates after the sixth call.</summary>
public interface IChurnGrain : IGrainWithStringKey, IDeviceLike;

/// <summary>Like <see cref="IChurnGrain"/>, and it loads from and hands back to a bucket.</summary>
public interface IBucketedGrain : IGrainWithStringKey, IDeviceLike;

/// <summary>States of many devices, as DeviceBucketGrain keeps them.</summary>
public interface IBucketGrain : IGrainWithIntegerKey
{
    /// <summary>The state of <paramref name="id"/>, if any.</summary>
    Task<byte[]?> LoadAsync(string id);

    /// <summary>Takes the state of <paramref name="id"/> back.</summary>
    Task ReleaseAsync(string id, byte[] state);
}

/// <inheritdoc cref="ILiveGrain"/>
// Like the project's grains: not profiled by the Orleans dashboard.
[Orleans.Dashboard.NoProfiling]
public sealed class LiveGrain : Grain, ILiveGrain
{
    /// <inheritdoc />
    public Task<int> CallAsync(int i) => Task.FromResult(i);
}

/// <inheritdoc cref="IChurnGrain"/>
// Like the project's grains: not profiled by the Orleans dashboard.
[Orleans.Dashboard.NoProfiling]
public sealed class ChurnGrain : Grain, IChurnGrain
{
    /// <inheritdoc />
    public Task<int> CallAsync(int i)
    {
        if (i == 5)
        {
            DeactivateOnIdle();
        }

        return Task.FromResult(i);
    }
}

/// <summary>
/// A device-like grain that loads its state from one of 16 bucket grains on activation and
/// hands it back on deactivation, as DeviceGrain does with DeviceBucketGrain; it deactivates
/// after the sixth call of its session.
/// </summary>
public abstract class BucketedGrainBase : Grain
{
    private IBucketGrain _bucket = null!;
    private string _id = null!;
    private byte[] _state = [];

    /// <inheritdoc />
    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _id = this.GetPrimaryKeyString();
        _bucket = GrainFactory.GetGrain<IBucketGrain>(_id.GetHashCode() & 15);
        _state = await _bucket.LoadAsync(_id) ?? new byte[100];
    }

    /// <inheritdoc />
    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken) => _bucket.ReleaseAsync(_id, _state);

    /// <summary>Deactivates after the current turn when <paramref name="i"/> is the session's last call.</summary>
    protected void EndSessionAfter(int i)
    {
        if (i == 5)
        {
            DeactivateOnIdle();
        }
    }
}

/// <inheritdoc cref="IBucketedGrain"/>
// Like the project's grains: not profiled by the Orleans dashboard.
[Orleans.Dashboard.NoProfiling]
public sealed class BucketedGrain : BucketedGrainBase, IBucketedGrain
{
    /// <inheritdoc />
    public Task<int> CallAsync(int i)
    {
        EndSessionAfter(i);
        return Task.FromResult(i);
    }
}

/// <inheritdoc cref="IDurableGrain"/>
// Like the project's grains: not profiled by the Orleans dashboard.
[Orleans.Dashboard.NoProfiling]
public sealed class DurableGrain : BucketedGrainBase, IDurableGrain
{
    /// <inheritdoc />
    public async Task<int> CallAsync(int i)
    {
        EndSessionAfter(i);

        // As DeviceGrain waits for its journal record: the answer leaves once the segment is written.
        await GroupCommit.Next;
        return i;
    }
}

/// <summary>A stand-in for the journal's group commit: one task that completes every 30 ms.</summary>
public static class GroupCommit
{
    private static TaskCompletionSource _current = new();
    private static readonly Timer Ticker = new(_ => Interlocked.Exchange(ref _current, new TaskCompletionSource()).TrySetResult(), null, 30, 30);

    /// <summary>Completes at the next commit (the ticker starts with the first use of this class).</summary>
    public static Task Next
    {
        get
        {
            GC.KeepAlive(Ticker);
            return Volatile.Read(ref _current).Task;
        }
    }
}

/// <inheritdoc cref="IBucketGrain"/>
// Like the project's grains: not profiled by the Orleans dashboard.
[Orleans.Dashboard.NoProfiling]
[Reentrant]
public sealed class BucketGrain : Grain, IBucketGrain
{
    private readonly Dictionary<string, byte[]> _states = new(StringComparer.Ordinal);

    /// <inheritdoc />
    public Task<byte[]?> LoadAsync(string id) => Task.FromResult(_states.GetValueOrDefault(id));

    /// <inheritdoc />
    public Task ReleaseAsync(string id, byte[] state)
    {
        _states[id] = state;
        return Task.CompletedTask;
    }
}

/// <summary>Counts incoming calls by grain type, as the project's GrainCallCounter does.</summary>
public sealed class CallCounter : IIncomingGrainCallFilter
{
    /// <summary>The meter's name.</summary>
    public const string MeterName = "Analytics.Bench.Activation";

    private static readonly Meter Meter = new(MeterName);
    private static readonly Counter<long> Calls = Meter.CreateCounter<long>("bench.grain.calls");
    private static readonly ConcurrentDictionary<GrainType, KeyValuePair<string, object?>> Tags = new();

    /// <inheritdoc />
    public Task Invoke(IIncomingGrainCallContext context)
    {
        var tag = Tags.GetOrAdd(context.TargetId.Type, t => new KeyValuePair<string, object?>("grain", t.ToString()));
        Calls.Add(1, tag);
        return context.Invoke();
    }
}

/// <summary>A metrics exporter that drops what it is given: the cost measured is the collection.</summary>
public sealed class DiscardingExporter : BaseExporter<Metric>
{
    /// <inheritdoc />
    public override ExportResult Export(in Batch<Metric> batch) => ExportResult.Success;
}
