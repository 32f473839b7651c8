using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Analytics.Tests.Infrastructure;

/// <summary>A thin HTTP client speaking Countly's API to a test server.</summary>
public sealed class CountlyClient(HttpClient http, string adminKey) : IDisposable
{
    /// <summary>The admin api key.</summary>
    public string AdminKey { get; } = adminKey;

    /// <summary>The HTTP client.</summary>
    public HttpClient Http { get; } = http;

    /// <summary>One HTTP answer.</summary>
    public sealed record Answer(HttpStatusCode Status, string Body, string? ContentType, HttpResponseMessage Response)
    {
        /// <summary>The body parsed as JSON.</summary>
        public JsonNode? Json => JsonNode.Parse(Body);
    }

    /// <summary>GET <paramref name="pathAndQuery"/>.</summary>
    public async Task<Answer> GetAsync(string pathAndQuery)
    {
        var response = await Http.GetAsync(pathAndQuery);
        return new Answer(response.StatusCode, await response.Content.ReadAsStringAsync(), response.Content.Headers.ContentType?.ToString(), response);
    }

    /// <summary>Sends <paramref name="pathAndQuery"/> with any HTTP method and an optional body.</summary>
    public async Task<Answer> SendAsync(HttpMethod method, string pathAndQuery, HttpContent? content = null)
    {
        using var request = new HttpRequestMessage(method, pathAndQuery) { Content = content };
        var response = await Http.SendAsync(request);
        return new Answer(response.StatusCode, await response.Content.ReadAsStringAsync(), response.Content.Headers.ContentType?.ToString(), response);
    }

    /// <summary>POST a form to <paramref name="path"/>.</summary>
    public async Task<Answer> PostFormAsync(string path, IEnumerable<KeyValuePair<string, string>> form)
    {
        var response = await Http.PostAsync(path, new FormUrlEncodedContent(form));
        return new Answer(response.StatusCode, await response.Content.ReadAsStringAsync(), response.Content.Headers.ContentType?.ToString(), response);
    }

    /// <summary>POST a JSON body to <paramref name="path"/>.</summary>
    public async Task<Answer> PostJsonAsync(string path, string json)
    {
        var response = await Http.PostAsync(path, new StringContent(json, System.Text.Encoding.UTF8, "application/json"));
        return new Answer(response.StatusCode, await response.Content.ReadAsStringAsync(), response.Content.Headers.ContentType?.ToString(), response);
    }

    /// <summary>Creates an app as the admin; returns its id and key.</summary>
    public async Task<(string Id, string Key)> CreateAppAsync(string name = "Test App", string? timezone = null)
    {
        var args = new JsonObject { ["name"] = name };
        if (timezone is not null)
        {
            args["timezone"] = timezone;
        }

        var answer = await GetAsync($"/i/apps/create?api_key={AdminKey}&args={Uri.EscapeDataString(args.ToJsonString())}");
        if (answer.Status != HttpStatusCode.OK)
        {
            throw new InvalidOperationException($"create app: {answer.Status} {answer.Body}");
        }

        var json = answer.Json!;
        return (json["_id"]!.GetValue<string>(), json["key"]!.GetValue<string>());
    }

    /// <summary>GET <paramref name="path"/> (e.g. <c>/i/apps/update</c>) with <c>api_key</c> and JSON <c>args</c>.</summary>
    public Task<Answer> ManageAsync(string path, JsonNode? args, string? apiKey = null)
    {
        var query = $"{path}?api_key={Uri.EscapeDataString(apiKey ?? AdminKey)}";
        if (args is not null)
        {
            query += "&args=" + Uri.EscapeDataString(args.ToJsonString());
        }

        return GetAsync(query);
    }

    /// <summary>Creates a dashboard member as the admin; returns its id and api key.</summary>
    public async Task<(string Id, string ApiKey)> CreateUserAsync(string username, JsonObject? extra = null)
    {
        var args = new JsonObject
        {
            ["full_name"] = username,
            ["username"] = username,
            ["password"] = "p4ssw0rd!Secret",
            ["email"] = username + "@example.com",
        };
        foreach (var (k, v) in extra ?? [])
        {
            args[k] = v?.DeepClone();
        }

        var answer = await ManageAsync("/i/users/create", args);
        if (answer.Status != HttpStatusCode.OK)
        {
            throw new InvalidOperationException($"create user: {answer.Status} {answer.Body}");
        }

        return (answer.Json!["_id"]!.GetValue<string>(), answer.Json!["api_key"]!.GetValue<string>());
    }

    /// <summary>Sends <c>/i</c> with the given parameters (values URL-encoded).</summary>
    public Task<Answer> WriteAsync(string appKey, string deviceId, params (string Name, string Value)[] parameters)
    {
        var query = $"/i?app_key={Uri.EscapeDataString(appKey)}&device_id={Uri.EscapeDataString(deviceId)}"
            + string.Concat(parameters.Select(p => $"&{p.Name}={Uri.EscapeDataString(p.Value)}"));
        return GetAsync(query);
    }

    /// <summary>Reads <c>/o?method=…</c> as the admin.</summary>
    public Task<Answer> ReadAsync(string appId, string method, string extra = "") =>
        GetAsync($"/o?api_key={AdminKey}&app_id={appId}&method={method}{extra}");

    /// <summary>
    /// Polls until <paramref name="probe"/> holds. Counters reach reads within about a second;
    /// the generous default only matters on a machine shared with other builds, where a burst of
    /// new counter grains (the event-limit test) can hold the aggregation back for many seconds.
    /// </summary>
    public static async Task<bool> EventuallyAsync(Func<Task<bool>> probe, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(60));
        while (DateTime.UtcNow < deadline)
        {
            if (await probe())
            {
                return true;
            }

            await Task.Delay(100);
        }

        return await probe();
    }

    /// <summary>Reads until the JSON at <paramref name="method"/> equals <paramref name="expected"/>, or returns the last body.</summary>
    public async Task<string> ReadUntilAsync(string appId, string method, Func<JsonNode?, bool> done, string extra = "", TimeSpan? timeout = null)
    {
        var last = "";
        await EventuallyAsync(async () =>
        {
            var a = await ReadAsync(appId, method, extra);
            last = a.Body;
            return a.Status == HttpStatusCode.OK && done(a.Json);
        }, timeout);
        return last;
    }

    /// <summary>GETs <paramref name="pathAndQuery"/> until it answers 200 with JSON deeply equal to <paramref name="expected"/>; returns the last answer.</summary>
    public async Task<Answer> GetUntilAsync(string pathAndQuery, string expected, TimeSpan? timeout = null)
    {
        var want = JsonNode.Parse(expected);
        Answer? last = null;
        await EventuallyAsync(async () =>
        {
            last = await GetAsync(pathAndQuery);
            return last.Status == HttpStatusCode.OK && TryParse(last.Body) is { } got && JsonNode.DeepEquals(got, want);
        }, timeout);
        return last!;
    }

    /// <summary>Whether two JSON texts are deeply equal (object key order ignored).</summary>
    public static bool JsonEquals(JsonNode? a, JsonNode? b) => JsonNode.DeepEquals(a, b);

    /// <summary>Parses JSON text.</summary>
    public static JsonNode? Parse(string json) => JsonNode.Parse(json, documentOptions: new JsonDocumentOptions { AllowTrailingCommas = true });

    private static JsonNode? TryParse(string body)
    {
        try
        {
            return JsonNode.Parse(body);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <inheritdoc />
    public void Dispose() => Http.Dispose();
}
