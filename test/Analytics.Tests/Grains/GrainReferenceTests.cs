using System.Reflection;
using Analytics.Grains;

namespace Analytics.Tests.Grains;

public sealed class GrainReferenceTests
{
    /// <summary>
    /// Orleans' generated reference classes build, in their constructor and through reflection, a
    /// copier for every mutable parameter type of their interface. A reference to a device grain
    /// is made for every <c>/i</c> request and one to a counter grain for every read: their
    /// array parameters are <c>[Immutable]</c>, so those constructors must have nothing to build.
    /// </summary>
    [Theory]
    [InlineData(typeof(IDeviceGrain))]
    [InlineData(typeof(ICounterGrain))]
    [InlineData(typeof(IDeviceBucketGrain))]
    public void References_made_per_request_build_no_copiers(Type grainInterface)
    {
        var proxy = Assert.Single(grainInterface.Assembly.GetTypes(), t => grainInterface.IsAssignableFrom(t) && typeof(GrainReference).IsAssignableFrom(t));
        var fields = proxy.GetFields(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly);
        Assert.True(fields.Length == 0, $"{proxy.Name} builds {string.Join(", ", fields.Select(f => f.FieldType.Name))} per reference");
    }
}
