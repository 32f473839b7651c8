using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Analytics.Tests.Infrastructure;

namespace Analytics.Tests.Http;

/// <summary>The Orleans dashboard is mounted for operators and only a global admin's api key opens it.</summary>
[Collection(nameof(ServerCollection))]
public sealed class OperatorDashboardTests(ServerFixture fixture)
{
    [Fact]
    public async Task The_orleans_dashboard_needs_a_global_admin_api_key()
    {
        using var http = fixture.Server.Client();
        using (var anonymous = await http.GetAsync("/orleans-dashboard/"))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
            Assert.Contains("Basic", anonymous.Headers.WwwAuthenticate.ToString(), StringComparison.Ordinal);
        }

        Assert.Equal(HttpStatusCode.Unauthorized, await StatusWithPasswordAsync(http, "not-a-key"));
        Assert.Equal(HttpStatusCode.OK, await StatusWithPasswordAsync(http, fixture.Server.AdminKey));
    }

    private static async Task<HttpStatusCode> StatusWithPasswordAsync(HttpClient http, string password)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/orleans-dashboard/");
        request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes("operator:" + password)));
        using var response = await http.SendAsync(request);
        return response.StatusCode;
    }
}
