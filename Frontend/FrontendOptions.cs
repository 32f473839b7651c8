namespace Analytics.Frontend;

/// <summary>Configuration section <c>Analytics:Frontend</c>.</summary>
public sealed class FrontendOptions
{
    /// <summary>The configuration section name.</summary>
    public const string Section = "Analytics:Frontend";

    /// <summary>Proxies (IP addresses or CIDR ranges) whose <c>X-Forwarded-For</c> / <c>X-Real-IP</c> headers are trusted; empty = none; any other entry stops the start.</summary>
    public string[] TrustedProxies { get; set; } = [];

    /// <summary>Path of a GeoLite2/GeoIP2 City or Country database (.mmdb); empty = none, every location is Unknown (run.sh, test.sh and the images point it at the bundled GeoLite2 file).</summary>
    public string GeoIpDatabase { get; set; } = "";

    /// <summary>Whether cities are recorded (Countly <c>city_data</c>; only for users in the app's own country).</summary>
    public bool CityData { get; set; } = true;

    /// <summary>How often, ms, the accounts snapshot is refreshed from the cluster.</summary>
    public int AccountsRefreshMs { get; set; } = 2000;

    /// <summary>Most <c>/i</c> requests per second one app key may send to this frontend (0 = no limit); beyond it, 429 with Retry-After.</summary>
    public int RateLimitPerAppKey { get; set; }

    /// <summary>Extra response headers sent with every response, as Countly does.</summary>
    public Dictionary<string, string> Headers { get; set; } = new()
    {
        ["X-Frame-Options"] = "deny",
        ["X-XSS-Protection"] = "1; mode=block",
        ["Access-Control-Allow-Origin"] = "*",
    };
}
