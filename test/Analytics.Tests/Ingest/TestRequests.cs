using System.Text;
using Analytics.Frontend.Ingest;
using Microsoft.AspNetCore.Http;
using Xunit;

namespace Analytics.Tests.Ingest;

/// <summary>Builds <see cref="HttpRequest"/>s on <see cref="DefaultHttpContext"/> (no server) and reads them into bags.</summary>
internal static class TestRequests
{
    public static HttpRequest Get(string query)
    {
        var context = new DefaultHttpContext();
        context.Request.Method = HttpMethods.Get;
        context.Request.QueryString = query.Length == 0 ? QueryString.Empty : new QueryString(query.StartsWith('?') ? query : "?" + query);
        return context.Request;
    }

    public static HttpRequest Post(string query, string? contentType, string body, bool sendLength = true) =>
        Post(query, contentType, Encoding.UTF8.GetBytes(body), sendLength);

    public static HttpRequest Post(string query, string? contentType, byte[] body, bool sendLength = true)
    {
        var request = Get(query);
        request.Method = HttpMethods.Post;
        request.ContentType = contentType;
        request.Body = new MemoryStream(body);
        request.ContentLength = sendLength ? body.Length : null;
        return request;
    }

    public static async Task<ParamBag> ReadAsync(HttpRequest request, RequestLimits? limits = null)
    {
        var result = await ParamBag.ReadAsync(request, limits ?? RequestLimits.Default, CancellationToken.None);
        Assert.True(result.Success, result.Error);
        return result.Bag;
    }

    /// <summary>A bag of a GET query (the common SDK case).</summary>
    public static ParamBag Query(string query)
    {
        var result = ParamBag.FromQuery(query, RequestLimits.Default);
        Assert.True(result.Success, result.Error);
        return result.Bag;
    }

    /// <summary>A bag of a JSON body (values keep their JSON types).</summary>
    public static ParamBag Json(string json) => ReadAsync(Post("", "application/json", json)).GetAwaiter().GetResult();

    /// <summary>JavaScript's encodeURIComponent, as the SDKs encode parameter values.</summary>
    public static string EncodeUriComponent(string value)
    {
        var sb = new StringBuilder();
        foreach (var b in Encoding.UTF8.GetBytes(value))
        {
            var c = (char)b;
            if (char.IsAsciiLetterOrDigit(c) || "-_.!~*'()".Contains(c))
            {
                sb.Append(c);
            }
            else
            {
                sb.Append('%').Append(b.ToString("X2", System.Globalization.CultureInfo.InvariantCulture));
            }
        }

        return sb.ToString();
    }
}
