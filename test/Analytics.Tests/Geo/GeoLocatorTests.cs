using System.Net;
using Analytics.Frontend.Geo;
using Analytics.Tests.Infrastructure;

namespace Analytics.Tests.Geo;

/// <summary><see cref="GeoLocator"/> against the real GeoLite2 City database that <c>test.sh</c> unpacks.</summary>
public sealed class GeoLocatorTests : IDisposable
{
    private static readonly string Database = Path.Combine(RepoPaths.Root, ".data", "geoip", "GeoLite2-City.mmdb");
    private readonly GeoLocator _geo = new(Database);

    [Fact]
    public void The_database_is_loaded()
    {
        Assert.True(File.Exists(Database), "run ./test.sh once: it unpacks " + Database);

        Assert.True(_geo.IsAvailable);
    }

    [Theory]
    [InlineData("81.2.69.142", "GB")]
    [InlineData("8.8.8.8", "US")]
    [InlineData("2001:4860:4860::8888", "US")]
    [InlineData("::ffff:81.2.69.142", "GB")]
    public void A_public_address_resolves_to_its_country(string ip, string country)
    {
        var (cc, _) = _geo.Locate(IPAddress.Parse(ip));

        Assert.Equal(country, cc);
    }

    [Fact]
    public void A_city_database_names_the_city()
    {
        var (_, city) = _geo.Locate(IPAddress.Parse("81.2.69.142"));

        // The exact name changes between GeoLite2 releases; that there is one does not.
        Assert.False(string.IsNullOrWhiteSpace(city) || city == "Unknown", city);
    }

    [Theory]
    [InlineData("10.1.2.3")]
    [InlineData("192.168.0.7")]
    [InlineData("172.16.5.4")]
    [InlineData("127.0.0.1")]
    [InlineData("::1")]
    [InlineData("fd00::1")]
    public void A_private_or_loopback_address_is_Unknown(string ip)
    {
        Assert.Equal(("Unknown", "Unknown"), _geo.Locate(IPAddress.Parse(ip)));
    }

    [Fact]
    public void No_address_is_Unknown()
    {
        Assert.Equal(("Unknown", "Unknown"), _geo.Locate(null));
    }

    [Fact]
    public void A_missing_database_makes_everything_Unknown()
    {
        using var none = new GeoLocator(Path.Combine(Path.GetTempPath(), "no-such-" + Guid.NewGuid().ToString("N") + ".mmdb"));

        Assert.False(none.IsAvailable);
        Assert.Equal(("Unknown", "Unknown"), none.Locate(IPAddress.Parse("8.8.8.8")));
    }

    /// <inheritdoc />
    public void Dispose() => _geo.Dispose();
}
