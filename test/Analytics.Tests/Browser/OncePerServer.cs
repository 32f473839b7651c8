using System.Runtime.CompilerServices;
using Analytics.Tests.Infrastructure;

namespace Analytics.Tests.Browser;

/// <summary>
/// One run of an expensive browser scenario per server, shared by the facts that each assert
/// one thing it showed (the browser runs once, not once per fact).
/// </summary>
public sealed class OncePerServer<T>(Func<ServerFixture, Task<T>> run)
    where T : class
{
    private readonly ConditionalWeakTable<ServerFixture, Lazy<Task<T>>> _runs = [];

    /// <summary>The scenario's result on <paramref name="fixture"/>'s server, run on first use.</summary>
    public Task<T> GetAsync(ServerFixture fixture) => _runs.GetValue(fixture, f => new Lazy<Task<T>>(() => run(f))).Value;
}
