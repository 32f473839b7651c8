namespace Analytics.Grains;

/// <summary>
/// References to the string-keyed grains of one interface, built from the grain type and the
/// interface type resolved once. <c>IGrainFactory.GetGrain&lt;T&gt;(string)</c> resolves and formats
/// the interface's type name on every call: about 1 % of the silo's CPU when it runs for every
/// <c>/i</c> request and every device activation (docs/performance.md).
/// </summary>
/// <typeparam name="TGrain">The grain interface.</typeparam>
public sealed class GrainRefs<TGrain>(IGrainFactory factory)
    where TGrain : IGrainWithStringKey
{
    // Resolved on first use, not in the constructor: an external client knows the cluster's
    // types only once it is connected. Resolving twice in a race is harmless.
    private Types? _types;

    /// <summary>The reference to the grain with <paramref name="key"/>, as <c>GetGrain&lt;TGrain&gt;(key)</c> would return it.</summary>
    public TGrain Get(string key)
    {
        var types = _types ??= Resolve();
        return (TGrain)factory.GetGrain(GrainId.Create(types.Grain, key), types.Interface);
    }

    private Types Resolve()
    {
        var probe = (GrainReference)(object)factory.GetGrain<TGrain>("-");
        return new Types(probe.GrainId.Type, probe.InterfaceType);
    }

    private sealed record Types(GrainType Grain, GrainInterfaceType Interface);
}
