using System.Text.Json;
using Analytics.Frontend.Ingest;
using Analytics.Grains;
using Xunit;

namespace Analytics.Tests.Ingest;

public sealed class MetricNormalizerTests
{
    [Theory]
    [InlineData("Android", "10", "Android", "a10")]
    [InlineData("iOS", "17.1", "iOS", "i17:1")]
    [InlineData("Windows Phone", "8.1", "Windows Phone", "w8:1")]
    [InlineData("MacOS", "14", "MacOS", "o14")]
    [InlineData("Linux", "6.1", "Linux", "l6:1")]
    [InlineData("webos", "3", "webos", "webos3")]
    [InlineData("Foo OS", "1.2", "Foo OS", "[Foo OS]1:2")]
    [InlineData("[Bar]", "1", "Bar", "[Bar]1")]
    [InlineData("Android", "a10", "Android", "[Android]a10")]
    public void Os_version_gets_the_os_prefix_or_the_bracketed_os_name(string os, string version, string expectedOs, string expectedVersion)
    {
        var metrics = Normalize(new { _os = os, _os_version = version });

        Assert.Equal(expectedOs, metrics?.Os);
        Assert.Equal(expectedVersion, metrics?.OsVersion);
    }

    [Theory]
    [InlineData("iOS", "iPhone15,2", "mobile", "Apple")]
    [InlineData("iOS", "iPod9,1", "mobile", "Apple")]
    [InlineData("iOS", "iPad13,4", "tablet", "Apple")]
    [InlineData("watchOS", "Watch6,1", "wearable", "Apple")]
    [InlineData("tvOS", "AppleTV11,1", "smarttv", "Apple")]
    [InlineData("macOS", "MacBookPro18,1", "desktop", "Apple")]
    [InlineData("macOS", "iMac21,1", "desktop", "Apple")]
    [InlineData("iOS", "Simulator", null, "Apple")]
    [InlineData("ios", "iPhone15,2", null, null)]
    [InlineData("Android", "Pixel 7", null, null)]
    public void Apple_devices_get_Countlys_device_type_and_manufacturer(string os, string device, string? deviceType, string? manufacturer)
    {
        var metrics = Normalize(new { _os = os, _device = device });

        Assert.Equal(deviceType, metrics?.DeviceType);
        Assert.Equal(manufacturer, metrics?.Manufacturer);
    }

    [Fact]
    public void A_device_type_and_manufacturer_sent_by_the_sdk_are_kept()
    {
        var metrics = Normalize(new { _os = "iOS", _device = "iPhone15,2", _device_type = "phablet", _manufacturer = "Foxconn" });

        Assert.Equal("phablet", metrics?.DeviceType);
        Assert.Equal("Foxconn", metrics?.Manufacturer);
    }

    [Fact]
    public void Os_version_without_os_is_kept_as_is() =>
        Assert.Equal("10:1", Normalize(new { _os_version = "10.1" })?.OsVersion);

    [Theory]
    [InlineData("vodafone", "Vodafone")]
    [InlineData("T-MOBILE", "T-mobile")]
    [InlineData("AT&T wireless", "At&t Wireless")]
    [InlineData("verizon  WIRELESS", "Verizon  Wireless")]
    [InlineData("(o2) uk", "(O2) Uk")]
    [InlineData("$vodafone", "Vodafone")]
    [InlineData("abcdefgh ijklmno", "Abcdefgh Ijklmno")]
    [InlineData("1234", "1234")]
    [InlineData("1234567", "1234567")]
    public void Carrier_is_title_cased_per_word(string carrier, string expected) =>
        Assert.Equal(expected, Normalize(new { _carrier = carrier })?.Carrier);

    [Theory]
    [InlineData("abcdefghijklmnop")]
    [InlineData("--")]
    [InlineData("31026")]
    [InlineData("310260")]
    public void Carrier_hashes_and_mcc_mnc_codes_are_dropped(string carrier) =>
        Assert.Null(Normalize(new { _carrier = carrier, _device = "x" })?.Carrier);

    [Theory]
    [InlineData("\"1\"", "1:0")]
    [InlineData("2", "2:0")]
    [InlineData("\"1.2.3\"", "1:2:3")]
    [InlineData("1.5", "1:5")]
    [InlineData("\"beta\"", "beta")]
    [InlineData("\"1e3\"", "1e3:0")]
    public void App_version_gets_dot_zero_when_numeric_without_a_dot(string json, string expected) =>
        Assert.Equal(expected, NormalizeJson("{\"_app_version\":" + json + "}")?.AppVersion);

    [Theory]
    [InlineData("{\"_density\":\"2\"}", "2:00")]
    [InlineData("{\"_density\":2.625,\"_os\":\"Android\"}", "a2:63")]
    [InlineData("{\"_density\":\"3\",\"_os\":\"iOS\"}", "i3:00")]
    [InlineData("{\"_density\":\"xhdpi\",\"_os\":\"Android\"}", "axhdpi")]
    [InlineData("{\"_density\":\"a2.00\",\"_os\":\"Android\"}", "a2:00")]
    [InlineData("{\"_density\":1.5,\"_os\":\"Foo\"}", "[Foo]1:50")]
    public void Density_gets_two_decimals_and_the_os_prefix(string json, string expected) =>
        Assert.Equal(expected, NormalizeJson(json)?.Density);

    [Theory]
    [InlineData("en_US", "en")]
    [InlineData("en-GB", "en")]
    [InlineData("EN", "en")]
    [InlineData("pt_BR", "pt")]
    [InlineData("zh_CN", "zh_hans")]
    [InlineData("zh-Hans", "zh_hans")]
    [InlineData("zh--cn", "zh_hans")]
    [InlineData("zh_TW", "zh_hant")]
    [InlineData("zh-HK", "zh_hant")]
    [InlineData("zh_Hant", "zh_hant")]
    public void Locale_becomes_its_language(string locale, string expected) =>
        Assert.Equal(expected, Normalize(new { _locale = locale })?.Locale);

    [Theory]
    [InlineData("zh")]
    [InlineData("zh-Hans-CN")]
    [InlineData("zh_SG")]
    [InlineData("-en")]
    public void Locale_without_a_language_is_dropped(string locale) =>
        Assert.Null(Normalize(new { _locale = locale, _device = "x" })?.Locale);

    [Theory]
    [InlineData("$abc", "abc")]
    [InlineData("$$abc", "$abc")]
    [InlineData("a.b.c", "a:b:c")]
    [InlineData("a$b", "a$b")]
    [InlineData("__proto__", "__proto__")]
    public void Values_lose_one_leading_dollar_and_dots_become_colons(string device, string expected) =>
        Assert.Equal(expected, Normalize(new { _device = device })?.Device);

    [Theory]
    [InlineData("{\"_resolution\":1080}", "1080")]
    [InlineData("{\"_resolution\":1.5}", "1:5")]
    [InlineData("{\"_resolution\":true}", "true")]
    [InlineData("{\"_resolution\":1e400}", "Infinity")]
    public void Non_string_values_are_stringified_like_JavaScript(string json, string expected) =>
        Assert.Equal(expected, NormalizeJson(json)?.Resolution);

    [Theory]
    [InlineData("{\"_device\":\"\",\"_os\":\"Android\"}")]
    [InlineData("{\"_device\":0,\"_os\":\"Android\"}")]
    [InlineData("{\"_device\":false,\"_os\":\"Android\"}")]
    [InlineData("{\"_device\":null,\"_os\":\"Android\"}")]
    [InlineData("{\"_device\":\"$\",\"_os\":\"Android\"}")]
    [InlineData("{\"_device\":{\"$ne\":1},\"_os\":\"Android\"}")]
    [InlineData("{\"_device\":[\"a\"],\"_os\":\"Android\"}")]
    public void Empty_falsy_object_and_array_values_are_ignored(string json) =>
        Assert.Null(NormalizeJson(json)?.Device);

    [Fact]
    public void Values_are_capped_at_128_chars()
    {
        var metrics = Normalize(new { _device = new string('d', 500) });

        Assert.Equal(MetricNormalizer.MaxValueLength, metrics?.Device?.Length);
    }

    [Fact]
    public void Cap_does_not_split_a_surrogate_pair()
    {
        var metrics = Normalize(new { _device = new string('d', 127) + "😀" });

        Assert.Equal(new string('d', 127), metrics?.Device);
    }

    [Fact]
    public void Every_metric_is_mapped_to_its_member()
    {
        var metrics = Normalize(new
        {
            _os = "Android",
            _os_version = "14",
            _device = "Pixel 8",
            _resolution = "1080x2400",
            _carrier = "vodafone",
            _app_version = "2.1",
            _density = "2.75",
            _locale = "de_DE",
            _device_type = "mobile",
            _manufacturer = "Google",
        });

        Assert.Equal(
            new Metrics
            {
                Os = "Android",
                OsVersion = "a14",
                Device = "Pixel 8",
                Resolution = "1080x2400",
                Carrier = "Vodafone",
                AppVersion = "2:1",
                Density = "a2:75",
                Locale = "de",
                DeviceType = "mobile",
                Manufacturer = "Google",
            },
            metrics);
    }

    [Fact]
    public void Metrics_query_string_is_parsed()
    {
        var bag = TestRequests.Query("metrics=" + TestRequests.EncodeUriComponent("{\"_os\":\"Linux\",\"_os_version\":\"6.1\"}"));

        Assert.Equal("l6:1", MetricNormalizer.Normalize(bag)?.OsVersion);
    }

    [Fact]
    public void Metrics_json_body_object_is_used_as_is() =>
        Assert.Equal("Linux", MetricNormalizer.Normalize(TestRequests.Json("{\"metrics\":{\"_os\":\"Linux\"}}"))?.Os);

    [Theory]
    [InlineData("metrics=")]
    [InlineData("metrics={")]
    [InlineData("metrics=[1,2]")]
    [InlineData("metrics=null")]
    [InlineData("metrics=%22str%22")]
    [InlineData("metrics={}")]
    [InlineData("metrics={\"_unknown\":\"x\",\"__proto__\":{\"_os\":\"x\"},\"$where\":\"1\"}")]
    [InlineData("other=1")]
    public void Absent_malformed_or_empty_metrics_are_null(string query) =>
        Assert.Null(MetricNormalizer.Normalize(TestRequests.Query(query)));

    [Fact]
    public void Bracketed_metrics_read_as_an_object() =>
        Assert.Equal("Android", MetricNormalizer.Normalize(TestRequests.Query("metrics[_os]=Android"))?.Os);

    [Fact]
    public void Deeply_nested_metrics_are_null()
    {
        var bag = TestRequests.Query("metrics={\"_os\":" + new string('[', 100) + new string(']', 100) + "}");

        Assert.Null(MetricNormalizer.Normalize(bag));
    }

    private static Metrics? Normalize(object metrics) =>
        MetricNormalizer.Normalize(JsonSerializer.SerializeToElement(metrics));

    private static Metrics? NormalizeJson(string json) =>
        MetricNormalizer.Normalize(JsonDocument.Parse(json).RootElement.Clone());
}
