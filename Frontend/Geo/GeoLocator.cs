using System.Net;
using MaxMind.GeoIP2;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Analytics.Frontend.Geo;

/// <summary>
/// Country and city of an IP address from a MaxMind GeoLite2/GeoIP2 City or Country database
/// (memory-mapped; the bundled GeoLite2 file by default, a configured path for licensed,
/// auto-updated files). Private and unknown addresses resolve to <c>Unknown</c>.
/// This product includes GeoLite2 Data created by MaxMind, available from https://www.maxmind.com.
/// </summary>
public sealed partial class GeoLocator : IDisposable
{
    /// <summary>Countly's value for anything unresolved.</summary>
    public const string Unknown = "Unknown";

    private readonly DatabaseReader? _reader;
    private readonly bool _isCity;

    /// <summary>Opens the configured database, or runs without one (everything Unknown) when it is missing.</summary>
    public GeoLocator(IOptions<FrontendOptions> options, ILogger<GeoLocator> logger)
        : this(options.Value.GeoIpDatabase, logger)
    {
    }

    /// <summary>Opens the database at <paramref name="path"/>.</summary>
    public GeoLocator(string? path, ILogger? logger = null)
    {
        if (string.IsNullOrWhiteSpace(path) || !File.Exists(path))
        {
            if (logger is not null)
            {
                LogMissing(logger, path ?? "");
            }

            return;
        }

        _reader = new DatabaseReader(path, MaxMind.Db.FileAccessMode.MemoryMapped);
        _isCity = _reader.Metadata.DatabaseType.Contains("City", StringComparison.OrdinalIgnoreCase);
        if (logger is not null)
        {
            LogOpened(logger, path, _reader.Metadata.DatabaseType, _reader.Metadata.BuildDate);
        }
    }

    /// <summary>Whether a database is loaded.</summary>
    public bool IsAvailable => _reader is not null;

    /// <summary>The ISO country code and city name of <paramref name="address"/>.</summary>
    public (string Country, string City) Locate(IPAddress? address)
    {
        if (_reader is null || address is null || IPAddress.IsLoopback(address))
        {
            return (Unknown, Unknown);
        }

        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        try
        {
            if (_isCity)
            {
                if (_reader.TryCity(address, out var city) && city?.Country.IsoCode is { Length: > 0 } cc)
                {
                    return (cc, city.City.Name is { Length: > 0 } name ? name : Unknown);
                }
            }
            else if (_reader.TryCountry(address, out var country) && country?.Country.IsoCode is { Length: > 0 } code)
            {
                return (code, Unknown);
            }
        }
        catch (Exception e) when (e is MaxMind.Db.InvalidDatabaseException or ArgumentException or InvalidOperationException)
        {
            return (Unknown, Unknown);
        }

        return (Unknown, Unknown);
    }

    /// <inheritdoc />
    public void Dispose() => _reader?.Dispose();

    [LoggerMessage(Level = LogLevel.Warning, Message = "No GeoIP database at '{Path}': every location will be Unknown")]
    private static partial void LogMissing(ILogger logger, string path);

    [LoggerMessage(Level = LogLevel.Information, Message = "GeoIP database {Path} ({Type}, built {Built})")]
    private static partial void LogOpened(ILogger logger, string path, string type, DateTime built);
}
