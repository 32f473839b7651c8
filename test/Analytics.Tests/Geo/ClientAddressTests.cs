using System.Net;
using Analytics.Frontend.Geo;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;

namespace Analytics.Tests.Geo;

/// <summary><see cref="ClientAddress"/>: the <c>ip_address</c> parameter, then forwarding headers only from trusted proxies, then the connection.</summary>
public sealed class ClientAddressTests
{
    private static readonly ClientAddress Untrusting = ClientAddress.From([]);
    private static readonly ClientAddress TrustingProxy = ClientAddress.From(["10.0.0.5", "not an address"]);

    [Fact]
    public void The_ip_address_parameter_wins()
    {
        var context = Context("10.0.0.5", ("X-Forwarded-For", "1.1.1.1"));

        Assert.Equal(IPAddress.Parse("8.8.8.8"), TrustingProxy.Of(context, " 8.8.8.8 "));
    }

    [Fact]
    public void An_unparsable_ip_address_parameter_falls_back_to_the_connection()
    {
        var context = Context("9.9.9.9");

        Assert.Equal(IPAddress.Parse("9.9.9.9"), Untrusting.Of(context, "not-an-ip"));
    }

    [Fact]
    public void Without_trusted_proxies_X_Forwarded_For_is_ignored()
    {
        var context = Context("10.0.0.5", ("X-Forwarded-For", "8.8.8.8"));

        Assert.Equal(IPAddress.Parse("10.0.0.5"), Untrusting.Of(context, null));
    }

    [Fact]
    public void X_Forwarded_For_from_a_connection_that_is_not_a_trusted_proxy_is_ignored()
    {
        var context = Context("10.0.0.6", ("X-Forwarded-For", "8.8.8.8"), ("X-Real-IP", "1.1.1.1"));

        Assert.Equal(IPAddress.Parse("10.0.0.6"), TrustingProxy.Of(context, null));
    }

    [Fact]
    public void A_trusted_proxy_gives_the_left_most_X_Forwarded_For_address()
    {
        var context = Context("10.0.0.5", ("X-Forwarded-For", "8.8.8.8, 10.0.0.9"));

        Assert.Equal(IPAddress.Parse("8.8.8.8"), TrustingProxy.Of(context, null));
    }

    [Theory]
    [InlineData("10.244.0.0/16", "10.244.3.17", "8.8.8.8")]
    [InlineData("10.244.0.0/16", "10.245.0.1", "10.245.0.1")]
    [InlineData("10.244.0.0/16", "::ffff:10.244.0.9", "8.8.8.8")]
    [InlineData("::ffff:10.244.0.0/112", "10.244.3.17", "8.8.8.8")]
    [InlineData("::ffff:10.244.0.0/112", "10.245.0.1", "10.245.0.1")]
    [InlineData("fd00::/16", "fd00::12", "8.8.8.8")]
    [InlineData("fd00::/16", "fd01::12", "fd01::12")]
    public void A_proxy_inside_a_trusted_CIDR_range_is_believed(string range, string connection, string expected)
    {
        var ranges = ClientAddress.From([range, "10.0.0.0/33"]);
        var context = Context(connection, ("X-Forwarded-For", "8.8.8.8"));

        Assert.Equal(IPAddress.Parse(expected), ranges.Of(context, null));
    }

    [Theory]
    [InlineData("10.244.0.0/16", true)]
    [InlineData("10.0.0.5", true)]
    [InlineData("proxy.internal", false)]
    [InlineData("10.0.0.0/33", false)]
    public void A_trusted_proxy_entry_that_is_no_address_or_range_stops_the_start(string entry, bool valid)
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["Analytics:Frontend:TrustedProxies:0"] = entry })
            .Build();
        var services = new Microsoft.Extensions.DependencyInjection.ServiceCollection();
        Analytics.Frontend.FrontendExtensions.AddAnalyticsFrontend(services, configuration);
        using var provider = Microsoft.Extensions.DependencyInjection.ServiceCollectionContainerBuilderExtensions.BuildServiceProvider(services);

        var read = () => Microsoft.Extensions.DependencyInjection.ServiceProviderServiceExtensions.GetRequiredService<Microsoft.Extensions.Options.IOptions<Analytics.Frontend.FrontendOptions>>(provider).Value;

        if (valid)
        {
            Assert.Equal([entry], read().TrustedProxies);
        }
        else
        {
            Assert.Throws<Microsoft.Extensions.Options.OptionsValidationException>(read);
        }
    }

    [Theory]
    [InlineData("8.8.8.8:4711", "8.8.8.8")]
    [InlineData("[2001:db8::1]:443", "2001:db8::1")]
    [InlineData("2001:db8::1", "2001:db8::1")]
    public void A_forwarded_address_loses_its_port(string forwarded, string expected)
    {
        var context = Context("10.0.0.5", ("X-Forwarded-For", forwarded));

        Assert.Equal(IPAddress.Parse(expected), TrustingProxy.Of(context, null));
    }

    [Fact]
    public void A_trusted_proxy_without_X_Forwarded_For_gives_X_Real_IP()
    {
        var context = Context("10.0.0.5", ("X-Real-IP", "81.2.69.142"));

        Assert.Equal(IPAddress.Parse("81.2.69.142"), TrustingProxy.Of(context, null));
    }

    [Fact]
    public void A_trusted_proxy_reached_over_IPv4_mapped_IPv6_is_recognised()
    {
        var context = Context("::ffff:10.0.0.5", ("X-Forwarded-For", "8.8.8.8"));

        Assert.Equal(IPAddress.Parse("8.8.8.8"), TrustingProxy.Of(context, null));
    }

    [Fact]
    public void A_garbage_X_Forwarded_For_from_a_trusted_proxy_falls_back_to_the_connection()
    {
        var context = Context("10.0.0.5", ("X-Forwarded-For", "<script>"));

        Assert.Equal(IPAddress.Parse("10.0.0.5"), TrustingProxy.Of(context, null));
    }

    private static DefaultHttpContext Context(string remote, params (string Name, string Value)[] headers)
    {
        var context = new DefaultHttpContext();
        context.Connection.RemoteIpAddress = IPAddress.Parse(remote);
        foreach (var (name, value) in headers)
        {
            context.Request.Headers[name] = value;
        }

        return context;
    }
}
