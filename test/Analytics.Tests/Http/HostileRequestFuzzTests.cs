using System.Text;
using Analytics.Tests.Infrastructure;

namespace Analytics.Tests.Http;

/// <summary>Seeded random hostile requests on every API path: whatever the mix of names and values, never a 5xx.</summary>
[Collection(nameof(ServerCollection))]
public sealed class HostileRequestFuzzTests(ServerFixture fixture)
{
    private static readonly string[] Names =
    [
        "app_key", "device_id", "begin_session", "end_session", "session_duration", "timestamp", "metrics", "events", "ip_address",
        "country_code", "city", "location", "checksum", "checksum256", "callback", "app_id", "method", "period", "event", "segmentation",
        "action", "api_key", "args", "requests", "noescape", "user_id", "old_device_id", "metric", "fullRange", "tz", "hour", "dow",
    ];

    private static readonly string[] Paths =
    [
        "/i", "/i/bulk", "/o", "/o/analytics/dashboard", "/o/analytics/countries", "/i/apps/update", "/i/apps/create", "/i/users/create",
        "/i/events/edit_map", "/i/events/change_visibility", "/i/events/delete_events", "/o/apps/mine", "/o/sdk",
    ];

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public async Task Random_hostile_requests_never_cause_a_server_error(int seed)
    {
        using var api = fixture.Api();
        var (appId, appKey) = await api.CreateAppAsync();
        string[] values =
        [
            "", "0", "1", "-1", "1e400", "NaN", "null", "true", "[]", "{}", "[{}]", "[{\"key\":{}}]", "{\"_os\":[]}", "[1,2", "%", "%00", "%ZZ",
            "\u0000", "\ud800", "<script>", "\"", "'", new string('[', 40) + new string(']', 40), "9999999999999", "1700000000.123456",
            "30days", "[0,1]", "[1,0]", "[\"a\",\"b\"]", "8.8.8.8", "::1", "zz", appKey, appId, api.AdminKey, "0123456789abcdef01234567",
            "[{\"device_id\":\"x\",\"app_key\":\"" + appKey + "\",\"events\":\"[\"}]", "{\"name\":{}}", "{\"app_id\":[]}", new string('a', 3000),
        ];
        var random = new Random(seed);
        var failures = new List<string>();

        for (var i = 0; i < 500; i++)
        {
            var query = new StringBuilder();
            for (var k = random.Next(1, 7); k > 0; k--)
            {
                var name = Names[random.Next(Names.Length)] + (random.Next(4) == 0 ? "[" + Names[random.Next(Names.Length)] + "]" : "");
                query.Append(Uri.EscapeDataString(name)).Append('=').Append(Uri.EscapeDataString(values[random.Next(values.Length)])).Append('&');
            }

            query.Append(random.Next(3) > 0 ? $"api_key={api.AdminKey}&" : "").Append(random.Next(3) > 0 ? $"app_id={appId}&" : "");
            query.Append(random.Next(3) > 0 ? $"app_key={appKey}&device_id=d{random.Next(5)}" : "");
            var path = Paths[random.Next(Paths.Length)];
            var answer = random.Next(2) == 0
                ? await api.GetAsync(path + "?" + query)
                : await api.SendAsync(HttpMethod.Post, path, new StringContent(query.ToString(), Encoding.UTF8, random.Next(2) == 0 ? "application/x-www-form-urlencoded" : "application/json"));
            if ((int)answer.Status >= 500)
            {
                failures.Add($"{(int)answer.Status} {path}?{query} → {answer.Body}");
            }
        }

        Assert.True(failures.Count == 0, string.Join("\n", failures.Take(20)));
    }
}
