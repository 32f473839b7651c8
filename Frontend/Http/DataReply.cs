using System.Buffers;
using System.Text;
using System.Text.Json.Nodes;
using Analytics.Frontend.Output;

namespace Analytics.Frontend.Http;

/// <summary>Countly's data ("output") responses: status 200, every string HTML-escaped unless <c>noescape</c>, JSONP when asked.</summary>
public static class DataReply
{
    /// <summary>Writes <paramref name="node"/> as the response.</summary>
    public static async Task WriteAsync(ApiContext api, JsonNode? node)
    {
        var buffer = new ArrayBufferWriter<byte>(512);
        if (api.Callback is not null)
        {
            buffer.Write(Encoding.UTF8.GetBytes(api.Callback + "("));
        }

        OutputJson.Write(buffer, node, escape: !api.Params.IsTruthy("noescape"));
        if (api.Callback is not null)
        {
            buffer.Write(")"u8);
        }

        var response = api.Http.Response;
        response.StatusCode = 200;
        response.ContentType = Reply.ContentType;
        response.ContentLength = buffer.WrittenCount;
        await response.Body.WriteAsync(buffer.WrittenMemory, api.Http.RequestAborted);
    }
}
