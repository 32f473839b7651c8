using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Analytics.Tests.Infrastructure;

namespace Analytics.Tests.Http;

/// <summary>Signed requests of an app with a salt (spec §1.11): SHA-1 and SHA-256, GET and POST, and the 200 failure answers.</summary>
[Collection(nameof(ServerCollection))]
public sealed class RequestChecksumTests(ServerFixture fixture)
{
    private const string Salt = "sodiumchloride";
    private const string Success = """{"result":"Success"}""";

    [Theory]
    [InlineData("checksum")]
    [InlineData("checksum256")]
    public async Task A_GET_signed_over_its_query_is_accepted_and_counted(string name)
    {
        using var api = fixture.Api();
        var (appId, appKey) = await SaltedAppAsync(api);
        var t = TestTime.InPreviousHour(10);
        var payload = $"app_key={appKey}&device_id=D&begin_session=1&timestamp={t}";

        var answer = await api.GetAsync($"/i?{payload}&{name}={Sign(name, payload)}");

        Expect.Answer(answer, HttpStatusCode.OK, Success);
        await Expect.ReadAsync(api, appId, "sessions", TestTime.Fill(Sessions.OneNewUser, t));
    }

    [Theory]
    [InlineData("checksum")]
    [InlineData("checksum256")]
    public async Task A_POST_signed_over_its_body_is_accepted_and_counted(string name)
    {
        using var api = fixture.Api();
        var (appId, appKey) = await SaltedAppAsync(api);
        var t = TestTime.InPreviousHour(10);
        var payload = $"app_key={appKey}&device_id=D&begin_session=1&timestamp={t}";

        var answer = await api.SendAsync(HttpMethod.Post, "/i", new StringContent($"{payload}&{name}={Sign(name, payload)}", Encoding.UTF8, "application/x-www-form-urlencoded"));

        Expect.Answer(answer, HttpStatusCode.OK, Success);
        await Expect.ReadAsync(api, appId, "sessions", TestTime.Fill(Sessions.OneNewUser, t));
    }

    [Fact]
    public async Task A_signed_body_with_unsigned_parameters_in_the_query_writes_nothing()
    {
        using var api = fixture.Api();
        var (appId, appKey) = await SaltedAppAsync(api);
        var t = TestTime.InPreviousHour(10);
        var payload = $"app_key={appKey}&device_id=legit&begin_session=1&timestamp={t}";
        var forged = "device_id=forged&events=" + Uri.EscapeDataString("""[{"key":"forged_purchase","count":1000,"sum":99999}]""");

        var answer = await api.SendAsync(HttpMethod.Post, "/i?" + forged, new StringContent($"{payload}&checksum256={Sign("checksum256", payload)}", Encoding.UTF8, "application/x-www-form-urlencoded"));

        Expect.Answer(answer, HttpStatusCode.OK, """{"result":"Request does not match checksum"}""");
        Expect.Answer(await api.ReadAsync(appId, "events", "&event=forged_purchase"), HttpStatusCode.OK, "{}");
    }

    [Fact]
    public async Task A_lower_case_checksum_matches_too()
    {
        using var api = fixture.Api();
        var (_, appKey) = await SaltedAppAsync(api);
        var payload = $"app_key={appKey}&device_id=D";

        var answer = await api.GetAsync($"/i?{payload}&checksum={Sign("checksum", payload).ToLowerInvariant()}");

        Expect.Answer(answer, HttpStatusCode.OK, Success);
    }

    [Fact]
    public async Task A_request_without_a_checksum_is_200_does_not_have_checksum_and_counts_nothing()
    {
        using var api = fixture.Api();
        var (appId, appKey) = await SaltedAppAsync(api);
        var t = TestTime.InPreviousHour(10);

        var answer = await api.WriteAsync(appKey, "D", ("begin_session", "1"), ("timestamp", TestTime.Text(t)));

        Expect.Answer(answer, HttpStatusCode.OK, """{"result":"Request does not have checksum"}""");
        await SignedMarkerAsync(api, appKey, t);
        await Expect.ReadAsync(api, appId, "total_users", """[{"_id":"users","u":1}]""");
    }

    [Theory]
    [InlineData("checksum")]
    [InlineData("checksum256")]
    public async Task A_wrong_checksum_is_200_does_not_match_checksum_and_counts_nothing(string name)
    {
        using var api = fixture.Api();
        var (appId, appKey) = await SaltedAppAsync(api);
        var t = TestTime.InPreviousHour(10);
        var payload = $"app_key={appKey}&device_id=D&begin_session=1&timestamp={t}";

        var wrongSalt = await api.GetAsync($"/i?{payload}&{name}={Sign(name, payload, "pepper")}");
        var tampered = await api.GetAsync($"/i?{payload}&{name}={Sign(name, payload.Replace("device_id=D", "device_id=E", StringComparison.Ordinal))}");
        var garbage = await api.GetAsync($"/i?{payload}&{name}=nothex");

        foreach (var answer in new[] { wrongSalt, tampered, garbage })
        {
            Expect.Answer(answer, HttpStatusCode.OK, """{"result":"Request does not match checksum"}""");
        }

        await SignedMarkerAsync(api, appKey, t);
        await Expect.ReadAsync(api, appId, "total_users", """[{"_id":"users","u":1}]""");
    }

    [Fact]
    public async Task A_salted_bulk_is_checked_as_a_whole()
    {
        using var api = fixture.Api();
        var (appId, appKey) = await SaltedAppAsync(api);
        var t = TestTime.InPreviousHour(10);
        var requests = Uri.EscapeDataString($$"""[{"device_id":"D","begin_session":1,"timestamp":{{t}}}]""");
        var payload = $"app_key={appKey}&requests={requests}";

        var unsigned = await api.GetAsync($"/i/bulk?{payload}");
        var signed = await api.GetAsync($"/i/bulk?{payload}&checksum256={Sign("checksum256", payload)}");

        Expect.Answer(unsigned, HttpStatusCode.OK, """{"result":"Request does not have checksum"}""");
        Expect.Answer(signed, HttpStatusCode.OK, Success);
        await Expect.ReadAsync(api, appId, "sessions", TestTime.Fill(Sessions.OneNewUser, t));
    }

    [Fact]
    public async Task An_unsigned_bulk_of_a_salted_app_still_counts_the_items_of_an_unsalted_app()
    {
        using var api = fixture.Api();
        var (appId, appKey) = await SaltedAppAsync(api);
        var (otherId, otherKey) = await api.CreateAppAsync();
        var t = TestTime.InPreviousHour(10);
        var requests = Uri.EscapeDataString($$"""[{"device_id":"D","begin_session":1,"timestamp":{{t}}},{"app_key":"{{otherKey}}","device_id":"D","begin_session":1,"timestamp":{{t}}}]""");

        var answer = await api.GetAsync($"/i/bulk?app_key={appKey}&requests={requests}");

        Expect.Answer(answer, HttpStatusCode.OK, """{"result":"Request does not have checksum"}""");
        await Expect.ReadAsync(api, otherId, "sessions", TestTime.Fill(Sessions.OneNewUser, t));
        await SignedMarkerAsync(api, appKey, t);
        await Expect.ReadAsync(api, appId, "total_users", """[{"_id":"users","u":1}]""");
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Unsigned_bulk_items_of_a_salted_app_write_nothing(bool otherAppAtTopLevel)
    {
        using var api = fixture.Api();
        var (appId, appKey) = await SaltedAppAsync(api);
        var (_, otherKey) = await api.CreateAppAsync();
        var t = TestTime.InPreviousHour(10);
        var requests = Uri.EscapeDataString($$"""[{"app_key":"{{appKey}}","device_id":"D","begin_session":1,"timestamp":{{t}}}]""");

        var answer = await api.GetAsync($"/i/bulk?requests={requests}" + (otherAppAtTopLevel ? "&app_key=" + otherKey : ""));

        Expect.Answer(answer, HttpStatusCode.OK, Success);
        await SignedMarkerAsync(api, appKey, t);
        await Expect.ReadAsync(api, appId, "total_users", """[{"_id":"users","u":1}]""");
    }

    [Fact]
    public async Task Clearing_the_salt_disables_the_check()
    {
        using var api = fixture.Api();
        var (appId, appKey) = await SaltedAppAsync(api);
        var t = TestTime.InPreviousHour(10);

        var cleared = await api.ManageAsync("/i/apps/update", new JsonObject { ["app_id"] = appId, ["salt"] = "" });
        var answer = await api.WriteAsync(appKey, "D", ("begin_session", "1"), ("timestamp", TestTime.Text(t)));

        Assert.Equal(HttpStatusCode.OK, cleared.Status);
        Expect.Answer(answer, HttpStatusCode.OK, Success);
        await Expect.ReadAsync(api, appId, "sessions", TestTime.Fill(Sessions.OneNewUser, t));
    }

    private static async Task<(string AppId, string AppKey)> SaltedAppAsync(CountlyClient api)
    {
        var (appId, appKey) = await api.CreateAppAsync();
        var update = await api.ManageAsync("/i/apps/update", new JsonObject { ["app_id"] = appId, ["salt"] = Salt });
        Assert.Equal(HttpStatusCode.OK, update.Status);
        return (appId, appKey);
    }

    /// <summary>A correctly signed session of another device, so a read can wait for it and then see that nothing else was counted.</summary>
    private static async Task SignedMarkerAsync(CountlyClient api, string appKey, long t)
    {
        var payload = $"app_key={appKey}&device_id=marker&begin_session=1&timestamp={t + 5000}";
        Expect.Answer(await api.GetAsync($"/i?{payload}&checksum={Sign("checksum", payload)}"), HttpStatusCode.OK, Success);
    }

    private static string Sign(string name, string payload, string salt = Salt)
    {
        var bytes = Encoding.UTF8.GetBytes(payload + salt);
        return Convert.ToHexString(name == "checksum" ? SHA1.HashData(bytes) : SHA256.HashData(bytes));
    }
}
