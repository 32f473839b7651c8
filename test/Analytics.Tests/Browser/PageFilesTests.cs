using System.Net;
using Analytics.Tests.Infrastructure;

namespace Analytics.Tests.Browser;

/// <summary>The dashboard and demo files are served by the API's own server, with their security and caching headers.</summary>
[Collection(nameof(ServerCollection))]
public sealed class PageFilesTests(ServerFixture fixture)
{
    [Theory]
    [InlineData("/dashboard", "/dashboard/")]
    [InlineData("/demo", "/demo/")]
    public async Task A_site_without_its_trailing_slash_redirects_to_it(string path, string location)
    {
        using var http = NoRedirects();

        var response = await http.GetAsync(path);

        Assert.Equal(HttpStatusCode.MovedPermanently, response.StatusCode);
        Assert.Equal(location, response.Headers.Location!.AbsolutePath);
    }

    [Theory]
    [InlineData("/dashboard/")]
    [InlineData("/demo/")]
    public async Task A_page_is_html_under_a_strict_content_security_policy(string path)
    {
        using var http = fixture.Server.Client();

        var response = await http.GetAsync(path);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType!.MediaType);
        var csp = string.Join(";", response.Headers.GetValues("Content-Security-Policy"));
        Assert.Contains("default-src 'none'", csp, StringComparison.Ordinal);
        Assert.Contains("script-src 'self';", csp, StringComparison.Ordinal);
        Assert.Contains("frame-ancestors 'none'", csp, StringComparison.Ordinal);
        Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
        Assert.True(response.Headers.CacheControl!.NoCache);
        Assert.NotNull(response.Headers.ETag);
    }

    [Theory]
    [InlineData("/dashboard/vendor/chart.umd.min.js", "chart.js/dist/chart.umd.min.js")]
    [InlineData("/demo/vendor/countly.min.js", "countly-sdk-web/lib/countly.min.js")]
    public async Task A_vendored_script_is_the_pinned_npm_file_cached_for_a_day(string path, string npmFile)
    {
        using var http = fixture.Server.Client();

        var response = await http.GetAsync(path);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/javascript", response.Content.Headers.ContentType!.MediaType);
        Assert.Equal(TimeSpan.FromDays(1), response.Headers.CacheControl!.MaxAge);
        Assert.Equal(await File.ReadAllBytesAsync(Path.Combine(RepoPaths.NodeModules, npmFile)), await response.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task A_missing_page_file_is_404_and_other_paths_still_reach_the_api()
    {
        using var http = fixture.Server.Client();

        var missing = await http.GetAsync("/dashboard/nothing-here.js");
        var api = await http.GetAsync("/dashboardx");

        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, api.StatusCode);
        Assert.Equal("""{"result":"Invalid path"}""", await api.Content.ReadAsStringAsync());
    }

    private HttpClient NoRedirects() =>
        new(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = fixture.Server.BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
}
