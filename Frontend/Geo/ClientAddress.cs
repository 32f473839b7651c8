using System.Net;
using Microsoft.AspNetCore.Http;

namespace Analytics.Frontend.Geo;

/// <summary>
/// The client's IP address as Countly picks it (spec §1.8): the <c>ip_address</c> parameter,
/// else, only when the connection comes from a configured trusted proxy, the left-most
/// <c>X-Forwarded-For</c> or <c>X-Real-IP</c>, else the connection's address.
/// </summary>
public sealed class ClientAddress(IReadOnlyCollection<IPNetwork> trustedProxies)
{
    /// <summary>
    /// Creates the resolver from configured proxies: addresses (<c>10.0.0.5</c>) or CIDR ranges
    /// (<c>10.244.0.0/16</c>, for an ingress whose pod addresses change); other entries are
    /// ignored here (the host refuses to start with them: <see cref="IsValid"/>).
    /// </summary>
    public static ClientAddress From(IEnumerable<string> proxies) =>
        new(proxies.Select(Parse).OfType<IPNetwork>().ToArray());

    /// <summary>Whether <paramref name="proxy"/> is an address or a CIDR range <see cref="From"/> takes.</summary>
    public static bool IsValid(string proxy) => Parse(proxy) is not null;

    private static IPNetwork? Parse(string proxy)
    {
        var text = proxy.Trim();
        if (IPAddress.TryParse(text, out var address))
        {
            address = address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;
            return new IPNetwork(address, address.GetAddressBytes().Length * 8);
        }

        if (!IPNetwork.TryParse(text, out var network))
        {
            return null;
        }

        // Connections are compared in IPv4 form (IsTrusted): so are IPv4-mapped ranges.
        return network.BaseAddress.IsIPv4MappedToIPv6 && network.PrefixLength >= 96
            ? new IPNetwork(network.BaseAddress.MapToIPv4(), network.PrefixLength - 96)
            : network;
    }

    /// <summary>The address to locate, or null.</summary>
    public IPAddress? Of(HttpContext context, string? ipParameter)
    {
        if (ipParameter is { Length: > 0 and < 64 } && IPAddress.TryParse(ipParameter.Trim(), out var given))
        {
            return given;
        }

        var remote = context.Connection.RemoteIpAddress;
        if (remote is not null && trustedProxies.Count > 0 && IsTrusted(remote))
        {
            var forwarded = context.Request.Headers["X-Forwarded-For"].ToString();
            if (forwarded.Length > 0)
            {
                var first = forwarded.Split(',')[0].Trim();
                if (IPAddress.TryParse(StripPort(first), out var f))
                {
                    return f;
                }
            }

            var real = context.Request.Headers["X-Real-IP"].ToString().Trim();
            if (real.Length > 0 && IPAddress.TryParse(StripPort(real), out var r))
            {
                return r;
            }
        }

        return remote;
    }

    private bool IsTrusted(IPAddress remote)
    {
        var r = remote.IsIPv4MappedToIPv6 ? remote.MapToIPv4() : remote;
        foreach (var p in trustedProxies)
        {
            if (p.Contains(r))
            {
                return true;
            }
        }

        return false;
    }

    private static string StripPort(string value)
    {
        // "[2001:db8::1]:443" → "2001:db8::1": the address is what the brackets enclose.
        if (value.StartsWith('['))
        {
            var close = value.IndexOf(']');
            return close > 0 ? value[1..close] : value;
        }

        // "1.2.3.4:5678" → "1.2.3.4"; a bare IPv6 address (several colons) is left as it is.
        var colon = value.IndexOf(':');
        return colon > 0 && value.IndexOf(':', colon + 1) < 0 ? value[..colon] : value;
    }
}
