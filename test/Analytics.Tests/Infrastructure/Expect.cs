using System.Net;
using System.Text.Json.Nodes;

namespace Analytics.Tests.Infrastructure;

/// <summary>Assertions on Countly answers: exact status, exact body, Countly's content type.</summary>
public static class Expect
{
    /// <summary>Countly's content type on every response.</summary>
    public const string ContentType = "application/json; charset=utf-8";

    /// <summary>Asserts the exact status, body text and content type.</summary>
    public static void Answer(CountlyClient.Answer answer, HttpStatusCode status, string body)
    {
        Assert.Equal((status, body), (answer.Status, answer.Body));
        Assert.Equal(ContentType, answer.ContentType);
    }

    /// <summary>Asserts status 200 and a body deeply equal to <paramref name="expected"/> (object key order ignored).</summary>
    public static void Json(CountlyClient.Answer answer, string expected)
    {
        Assert.Equal(HttpStatusCode.OK, answer.Status);
        Same(expected, answer.Body);
    }

    /// <summary>Asserts two JSON texts are deeply equal, showing both when not.</summary>
    public static void Same(string expected, string actual)
    {
        var want = JsonNode.Parse(expected);
        var got = JsonNode.Parse(actual);
        Assert.True(JsonNode.DeepEquals(want, got), $"expected {want?.ToJsonString()}\n   actual {got?.ToJsonString()}");
    }

    /// <summary>Polls <paramref name="pathAndQuery"/> until it answers <paramref name="expected"/> and asserts it does.</summary>
    public static async Task EventuallyAsync(CountlyClient api, string pathAndQuery, string expected, TimeSpan? timeout = null)
    {
        var last = await api.GetUntilAsync(pathAndQuery, expected, timeout);
        Assert.Equal(HttpStatusCode.OK, last.Status);
        Same(expected, last.Body);
    }

    /// <summary>Polls <c>/o?method=…</c> of <paramref name="appId"/> as the admin until it answers <paramref name="expected"/>.</summary>
    public static Task ReadAsync(CountlyClient api, string appId, string method, string expected, string extra = "", TimeSpan? timeout = null) =>
        EventuallyAsync(api, $"/o?api_key={api.AdminKey}&app_id={appId}&method={method}{extra}", expected, timeout);
}
