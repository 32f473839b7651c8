using System.Globalization;
using System.Text.Json.Nodes;
using Analytics.Tests.Infrastructure;

namespace Analytics.Tests.Http;

/// <summary>
/// Device metrics of several devices read back per collection (spec §1.9, §2.2) and the tie
/// order of equal values in the dashboard's top lists (§4.4, §4.5).
/// </summary>
[Collection(nameof(ServerCollection))]
public sealed class MetricsTests(ServerFixture fixture)
{
    private static readonly string[] Months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

    [Theory]
    [InlineData("device_details")]
    [InlineData("app_versions")]
    public async Task Device_details_and_app_versions_return_os_versions_resolutions_app_versions_and_device_types(string method)
    {
        using var api = fixture.Api();
        var (appId, t) = await ThreeDevicesAsync(api);

        await Expect.ReadAsync(api, appId, method, MetricObjects.NewDevices(t,
            [("Android", 2), ("IOS", 1), ("a4:4", 2), ("i7:1", 1), ("1200x800", 2), ("2048x1536", 1), ("1:0", 1), ("1:2", 2), ("mobile", 2), ("tablet", 1)],
            """{"os":["Android","IOS"],"os_versions":["i7:1","a4:4"],"resolutions":["1200x800","2048x1536"],"app_versions":["1:2","1:0"],"device_type":["mobile","tablet"]}"""));
    }

    [Fact]
    public async Task Devices_returns_models_and_manufacturers()
    {
        using var api = fixture.Api();
        var (appId, t) = await ThreeDevicesAsync(api);

        await Expect.ReadAsync(api, appId, "devices", MetricObjects.NewDevices(t,
            [("Nexus 5", 2), ("iPhone", 1), ("LG", 2), ("Apple", 1)],
            """{"devices":["Nexus 5","iPhone"],"manufacturers":["LG","Apple"]}"""));
    }

    [Fact]
    public async Task Carriers_are_title_cased()
    {
        using var api = fixture.Api();
        var (appId, t) = await ThreeDevicesAsync(api);

        await Expect.ReadAsync(api, appId, "carriers", MetricObjects.NewDevices(t,
            [("Vodafone", 2), ("Telecom", 1)],
            """{"carriers":["Telecom","Vodafone"]}"""));
    }

    [Fact]
    public async Task Langs_are_the_language_of_the_locale()
    {
        using var api = fixture.Api();
        var (appId, t) = await ThreeDevicesAsync(api);

        await Expect.ReadAsync(api, appId, "langs", MetricObjects.NewDevices(t,
            [("en", 2), ("tr", 1)],
            """{"langs":["tr","en"]}"""));
    }

    [Fact]
    public async Task Densities_have_two_decimals_and_the_os_prefix()
    {
        using var api = fixture.Api();
        var (appId, t) = await ThreeDevicesAsync(api);

        await Expect.ReadAsync(api, appId, "density", MetricObjects.NewDevices(t,
            [("a2:00", 2), ("i3:00", 1)],
            """{"density":["i3:00","a2:00"]}"""));
    }

    [Fact]
    public async Task Metrics_count_only_on_a_session_start()
    {
        using var api = fixture.Api();
        var (appId, appKey) = await api.CreateAppAsync();
        var t = TestTime.InPreviousHour(10);

        await api.WriteAsync(appKey, "D", ("timestamp", TestTime.Text(t)), ("metrics", """{"_carrier":"Telecom"}"""));
        await api.WriteAsync(appKey, "D", ("begin_session", "1"), ("timestamp", TestTime.Text(t + 1000)), ("metrics", """{"_carrier":"Vodafone"}"""));
        await api.WriteAsync(appKey, "D", ("session_duration", "10"), ("timestamp", TestTime.Text(t + 2000)), ("metrics", """{"_carrier":"Orange"}"""));

        await Expect.ReadAsync(api, appId, "carriers", MetricObjects.NewDevices(t, [("Vodafone", 1)], """{"carriers":["Vodafone"]}"""));
    }

    [Fact]
    public async Task Dashboard_top_lists_break_ties_in_storage_shard_order()
    {
        using var api = fixture.Api();
        var (appId, appKey) = await api.CreateAppAsync();
        var t = TestTime.InPreviousHour(10);

        // The device with the values that sort last is seen first: ties must not keep arrival order.
        await api.WriteAsync(appKey, "D1", ("begin_session", "1"), ("timestamp", TestTime.Text(t)), ("metrics", """{"_os":"IOS","_resolution":"2048x1536","_carrier":"Vodafone"}"""));
        await api.WriteAsync(appKey, "D2", ("begin_session", "1"), ("timestamp", TestTime.Text(t + 1000)), ("metrics", """{"_os":"Android","_resolution":"1200x800","_carrier":"Telecom"}"""));

        var local = TimeZoneInfo.ConvertTime(DateTimeOffset.FromUnixTimeMilliseconds(t), TestTime.Istanbul);
        var day = local.Day.ToString(CultureInfo.InvariantCulture) + " " + Months[local.Month - 1];
        var expected = $$"""
            {"platforms":[{"name":"Android","value":1,"percent":50},{"name":"IOS","value":1,"percent":50}],
             "resolutions":[{"name":"1200x800","value":1,"percent":50},{"name":"2048x1536","value":1,"percent":50}],
             "carriers":[{"name":"Telecom","value":1,"percent":50},{"name":"Vodafone","value":1,"percent":50}],
             "users":[{"name":"{{day}}","value":2,"percent":100}]}
            """;
        JsonNode? top = null;
        var ok = await CountlyClient.EventuallyAsync(async () =>
        {
            top = (await api.GetAsync($"/o/analytics/dashboard?api_key={api.AdminKey}&app_id={appId}")).Json?["30days"]?["top"];
            return JsonNode.DeepEquals(top, JsonNode.Parse(expected));
        });
        Assert.True(ok, $"expected {JsonNode.Parse(expected)!.ToJsonString()}\n   actual {top?.ToJsonString()}");
    }

    [Fact]
    public async Task Dashboard_top_lists_sort_by_sessions_with_one_decimal_percents()
    {
        using var api = fixture.Api();
        var (appId, appKey) = await api.CreateAppAsync();
        var t = TestTime.InPreviousHour(10);

        await api.WriteAsync(appKey, "D1", ("begin_session", "1"), ("timestamp", TestTime.Text(t)), ("metrics", """{"_os":"IOS"}"""));
        await api.WriteAsync(appKey, "D2", ("begin_session", "1"), ("timestamp", TestTime.Text(t + 1000)), ("metrics", """{"_os":"Android"}"""));
        await api.WriteAsync(appKey, "D3", ("begin_session", "1"), ("timestamp", TestTime.Text(t + 2000)), ("metrics", """{"_os":"Android"}"""));

        const string expected = """[{"name":"Android","value":2,"percent":66.7},{"name":"IOS","value":1,"percent":33.3}]""";
        JsonNode? platforms = null;
        var ok = await CountlyClient.EventuallyAsync(async () =>
        {
            platforms = (await api.GetAsync($"/o/analytics/dashboard?api_key={api.AdminKey}&app_id={appId}")).Json?["7days"]?["top"]?["platforms"];
            return JsonNode.DeepEquals(platforms, JsonNode.Parse(expected));
        });
        Assert.True(ok, $"expected {expected}\n   actual {platforms?.ToJsonString()}");
    }

    private static async Task<(string AppId, long Time)> ThreeDevicesAsync(CountlyClient api)
    {
        var (appId, appKey) = await api.CreateAppAsync();
        var t = TestTime.InPreviousHour(10);
        await api.WriteAsync(appKey, "D1", ("begin_session", "1"), ("timestamp", TestTime.Text(t)), ("metrics",
            """{"_os":"Android","_os_version":"4.4","_resolution":"1200x800","_app_version":"1","_device":"Nexus 5","_manufacturer":"LG","_carrier":"vodafone","_locale":"en_US","_density":"2","_device_type":"mobile"}"""));
        await api.WriteAsync(appKey, "D2", ("begin_session", "1"), ("timestamp", TestTime.Text(t + 1000)), ("metrics",
            """{"_os":"IOS","_os_version":"7.1","_resolution":"2048x1536","_app_version":"1.2","_device":"iPhone","_manufacturer":"Apple","_carrier":"Telecom","_locale":"tr_TR","_density":"3","_device_type":"mobile"}"""));
        await api.PostJsonAsync("/i", $$$"""
            {"app_key":"{{{appKey}}}","device_id":"D3","begin_session":1,"timestamp":{{{t + 2000}}},
             "metrics":{"_os":"Android","_os_version":"4.4","_resolution":"1200x800","_app_version":"1.2","_device":"Nexus 5","_manufacturer":"LG","_carrier":"VODAFONE","_locale":"en-GB","_density":2,"_device_type":"tablet"}}
            """);
        return (appId, t);
    }
}
