using System.Text.Json.Nodes;
using Analytics.Tests.Infrastructure;

namespace Analytics.Tests.Http;

/// <summary>
/// Countries of sessions from the real GeoLite2 City database (the fixture passes
/// <c>.data/geoip/GeoLite2-City.mmdb</c>), explicit overrides and the opt-out (spec §1.8).
/// </summary>
[Collection(nameof(ServerCollection))]
public sealed class GeoTests(ServerFixture fixture)
{
    [Theory]
    [InlineData("81.2.69.142", "GB")]
    [InlineData("8.8.8.8", "US")]
    [InlineData("2001:4860:4860::8888", "US")]
    [InlineData("::ffff:81.2.69.142", "GB")]
    [InlineData("10.1.2.3", "Unknown")]
    [InlineData("192.168.0.7", "Unknown")]
    [InlineData("not-an-ip", "Unknown")]
    public async Task The_ip_address_parameter_is_located_in_the_database(string ip, string country)
    {
        Assert.True(File.Exists(GeoDatabase), "run ./test.sh once: it unpacks " + GeoDatabase);
        using var api = fixture.Api();
        var (appId, appKey) = await api.CreateAppAsync();
        var t = TestTime.InPreviousHour(10);

        await api.WriteAsync(appKey, "D", ("begin_session", "1"), ("timestamp", TestTime.Text(t)), ("ip_address", ip));

        await Expect.ReadAsync(api, appId, "sessions", TestTime.Fill(Sessions.OneNewUserInCountry(country), t));
    }

    [Fact]
    public async Task A_request_from_localhost_without_ip_address_is_Unknown()
    {
        using var api = fixture.Api();
        var (appId, appKey) = await api.CreateAppAsync();
        var t = TestTime.InPreviousHour(10);

        await api.WriteAsync(appKey, "D", ("begin_session", "1"), ("timestamp", TestTime.Text(t)));

        await Expect.ReadAsync(api, appId, "sessions", TestTime.Fill(Sessions.OneNewUserInCountry("Unknown"), t));
    }

    [Fact]
    public async Task X_Forwarded_For_from_an_untrusted_client_is_ignored()
    {
        using var api = fixture.Api();
        var (appId, appKey) = await api.CreateAppAsync();
        var t = TestTime.InPreviousHour(10);
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/i?app_key={appKey}&device_id=D&begin_session=1&timestamp={t}");
        request.Headers.Add("X-Forwarded-For", "8.8.8.8");

        (await api.Http.SendAsync(request)).Dispose();

        await Expect.ReadAsync(api, appId, "sessions", TestTime.Fill(Sessions.OneNewUserInCountry("Unknown"), t));
    }

    [Fact]
    public async Task Country_code_overrides_the_ip_address()
    {
        using var api = fixture.Api();
        var (appId, appKey) = await api.CreateAppAsync();
        var t = TestTime.InPreviousHour(10);

        await api.WriteAsync(appKey, "D", ("begin_session", "1"), ("timestamp", TestTime.Text(t)), ("ip_address", "8.8.8.8"), ("country_code", "DE"));

        await Expect.ReadAsync(api, appId, "sessions", TestTime.Fill(Sessions.OneNewUserInCountry("DE"), t));
    }

    [Fact]
    public async Task An_empty_location_opts_out_to_Unknown()
    {
        using var api = fixture.Api();
        var (appId, appKey) = await api.CreateAppAsync();
        var t = TestTime.InPreviousHour(10);

        await api.WriteAsync(appKey, "D", ("begin_session", "1"), ("timestamp", TestTime.Text(t)), ("ip_address", "8.8.8.8"), ("location", ""));

        await Expect.ReadAsync(api, appId, "sessions", TestTime.Fill(Sessions.OneNewUserInCountry("Unknown"), t));
    }

    [Fact]
    public async Task Countries_of_several_devices_are_listed_in_the_time_object_and_the_meta()
    {
        using var api = fixture.Api();
        var (appId, appKey) = await api.CreateAppAsync();
        var t = TestTime.InPreviousHour(10);

        await api.WriteAsync(appKey, "D1", ("begin_session", "1"), ("timestamp", TestTime.Text(t)), ("ip_address", "8.8.8.8"));
        await api.WriteAsync(appKey, "D2", ("begin_session", "1"), ("timestamp", TestTime.Text(t + 1000)), ("ip_address", "81.2.69.142"));
        await api.WriteAsync(appKey, "D3", ("begin_session", "1"), ("timestamp", TestTime.Text(t + 2000)), ("ip_address", "2001:4860:4860::8888"));

        await Expect.ReadAsync(api, appId, "locations", TestTime.Fill("""
            {"{Y}":{"t":3,"n":3,"u":3,"e":3,"f":{"0":3},"US":{"u":2,"t":2,"n":2},"GB":{"u":1,"t":1,"n":1},
              "{W}":{"u":3,"f":{"0":3},"US":{"u":2},"GB":{"u":1}},
              "{M}":{"t":3,"n":3,"u":3,"e":3,"f":{"0":3},"US":{"u":2,"t":2,"n":2},"GB":{"u":1,"t":1,"n":1},
                "{D}":{"t":3,"n":3,"u":3,"e":3,"f":{"0":3},"US":{"t":2,"n":2,"u":2},"GB":{"t":1,"n":1,"u":1},
                  "{H}":{"t":3,"n":3,"u":3,"e":3}}}},
             "meta":{"countries":["US","GB"],"f-ranges":["0"]}}
            """, t));
    }

    [Fact]
    public async Task The_countries_dashboard_names_the_located_countries()
    {
        using var api = fixture.Api();
        var (appId, appKey) = await api.CreateAppAsync();
        var t = TestTime.InPreviousHour(10);

        await api.WriteAsync(appKey, "D1", ("begin_session", "1"), ("timestamp", TestTime.Text(t)), ("ip_address", "8.8.8.8"));
        await api.WriteAsync(appKey, "D2", ("begin_session", "1"), ("timestamp", TestTime.Text(t + 1000)), ("ip_address", "8.8.4.4"));
        await api.WriteAsync(appKey, "D3", ("begin_session", "1"), ("timestamp", TestTime.Text(t + 2000)), ("ip_address", "81.2.69.142"));

        var thirty = JsonNode.Parse("""[{"country":"United States","code":"us","t":2,"u":2,"n":2},{"country":"United Kingdom","code":"gb","t":1,"u":1,"n":1}]""");
        JsonNode? got = null;
        var ok = await CountlyClient.EventuallyAsync(async () =>
        {
            got = (await api.GetAsync($"/o/analytics/countries?api_key={api.AdminKey}&app_id={appId}")).Json?["30days"];
            return JsonNode.DeepEquals(got, thirty);
        });
        Assert.True(ok, $"expected {thirty!.ToJsonString()}\n   actual {got?.ToJsonString()}");
    }

    [Fact]
    public async Task Total_users_by_country_counts_the_devices_of_each_country()
    {
        using var api = fixture.Api();
        var (appId, appKey) = await api.CreateAppAsync();
        var t = TestTime.InPreviousHour(10);

        await api.WriteAsync(appKey, "D1", ("begin_session", "1"), ("timestamp", TestTime.Text(t)), ("ip_address", "8.8.8.8"));
        await api.WriteAsync(appKey, "D2", ("begin_session", "1"), ("timestamp", TestTime.Text(t + 1000)), ("country_code", "us"));
        await api.WriteAsync(appKey, "D3", ("begin_session", "1"), ("timestamp", TestTime.Text(t + 2000)), ("ip_address", "81.2.69.142"));

        await Expect.ReadAsync(api, appId, "total_users", """[{"_id":"US","u":2},{"_id":"GB","u":1}]""", "&metric=countries");
    }

    [Fact]
    public async Task Cities_are_recorded_for_users_in_the_apps_own_country()
    {
        using var api = fixture.Api();
        var created = await api.ManageAsync("/i/apps/create", new JsonObject { ["name"] = "British", ["country"] = "GB" });
        var (appId, appKey) = (created.Json!["_id"]!.GetValue<string>(), created.Json!["key"]!.GetValue<string>());
        var t = TestTime.InPreviousHour(10);
        using var geo = new Analytics.Frontend.Geo.GeoLocator(GeoDatabase);
        var city = geo.Locate(System.Net.IPAddress.Parse("81.2.69.142")).City;

        await api.WriteAsync(appKey, "D1", ("begin_session", "1"), ("timestamp", TestTime.Text(t)), ("ip_address", "81.2.69.142"));
        await api.WriteAsync(appKey, "D2", ("begin_session", "1"), ("timestamp", TestTime.Text(t + 1000)), ("ip_address", "8.8.8.8"));

        await Expect.ReadAsync(api, appId, "cities", MetricObjects.NewDevices(t, [(city, 1)], new JsonObject { ["cities"] = new JsonArray(city) }.ToJsonString()));
    }

    [Fact]
    public async Task Cities_of_users_outside_the_apps_country_are_not_recorded()
    {
        using var api = fixture.Api();
        var (appId, appKey) = await api.CreateAppAsync();
        var t = TestTime.InPreviousHour(10);

        await api.WriteAsync(appKey, "D1", ("begin_session", "1"), ("timestamp", TestTime.Text(t)), ("ip_address", "81.2.69.142"));

        await Expect.ReadAsync(api, appId, "sessions", TestTime.Fill(Sessions.OneNewUserInCountry("GB"), t));
        Expect.Answer(await api.ReadAsync(appId, "cities"), System.Net.HttpStatusCode.OK, "{}");
    }

    [Fact]
    public async Task Method_countries_is_valid_and_empty_because_countries_live_in_the_users_object()
    {
        using var api = fixture.Api();
        var (appId, appKey) = await api.CreateAppAsync();
        var t = TestTime.InPreviousHour(10);

        await api.WriteAsync(appKey, "D1", ("begin_session", "1"), ("timestamp", TestTime.Text(t)), ("ip_address", "8.8.8.8"));

        await Expect.ReadAsync(api, appId, "locations", TestTime.Fill(Sessions.OneNewUserInCountry("US"), t));
        Expect.Answer(await api.ReadAsync(appId, "countries"), System.Net.HttpStatusCode.OK, "{}");
    }

    private static string GeoDatabase => Path.Combine(RepoPaths.Root, ".data", "geoip", "GeoLite2-City.mmdb");
}
