using System.Text;
using System.Text.Json;
using Analytics.Frontend.Ingest;
using Microsoft.AspNetCore.Http;
using Xunit;

namespace Analytics.Tests.Ingest;

public sealed class ParamBagTests
{
    [Theory]
    [InlineData("device_id=abc", "abc")]
    [InlineData("device_id=a+b", "a b")]
    [InlineData("device_id=a%20b%2Bc", "a b+c")]
    [InlineData("device_id=%C3%BC%E2%82%AC%F0%9F%98%80", "ü€😀")]
    [InlineData("device_id=", "")]
    [InlineData("device_id", "")]
    [InlineData("x=1&device_id=abc&y=2", "abc")]
    public async Task Query_values_are_form_decoded(string query, string expected)
    {
        var bag = await TestRequests.ReadAsync(TestRequests.Get(query));

        Assert.Equal(expected, bag.GetString("device_id"));
    }

    [Theory]
    [InlineData("v=%FF%FE", "\uFFFD\uFFFD")]
    [InlineData("v=%C3", "\uFFFD")]
    [InlineData("v=%ED%A0%80", "\uFFFD\uFFFD\uFFFD")]
    [InlineData("v=%zz", "%zz")]
    [InlineData("v=%", "%")]
    [InlineData("v=%4", "%4")]
    [InlineData("v=100%", "100%")]
    [InlineData("v=%%41", "%A")]
    public async Task Broken_escapes_and_UTF8_decode_leniently(string query, string expected)
    {
        var bag = await TestRequests.ReadAsync(TestRequests.Get(query));

        Assert.Equal(expected, bag.GetString("v"));
    }

    [Fact]
    public async Task Raw_query_is_kept_exactly_as_received()
    {
        const string query = "app_key=K&metrics=%7B%22_os%22%3A%22Linux%22%7D&device_id=a+b";

        var bag = await TestRequests.ReadAsync(TestRequests.Get("?" + query));

        Assert.Equal(query, bag.RawQuery);
        Assert.Null(bag.RawBody);
    }

    [Fact]
    public async Task Form_body_values_are_read_for_POST()
    {
        var request = TestRequests.Post("", "application/x-www-form-urlencoded", "app_key=K&device_id=d%201&begin_session=1");

        var bag = await TestRequests.ReadAsync(request);

        Assert.Equal("K", bag.GetString("app_key"));
        Assert.Equal("d 1", bag.GetString("device_id"));
        Assert.True(bag.IsTruthy("begin_session"));
    }

    [Fact]
    public async Task Raw_body_is_kept_for_POST()
    {
        const string body = "app_key=K&device_id=D&checksum256=ABC";

        var bag = await TestRequests.ReadAsync(TestRequests.Post("", "application/x-www-form-urlencoded", body));

        Assert.Equal(body, bag.RawBody);
        Assert.True(bag.IsPost);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("text/plain")]
    [InlineData("application/x-www-form-urlencoded; charset=UTF-8")]
    public async Task Bodies_without_a_known_content_type_are_read_as_forms(string? contentType)
    {
        var bag = await TestRequests.ReadAsync(TestRequests.Post("", contentType, "device_id=D"));

        Assert.Equal("D", bag.GetString("device_id"));
    }

    [Fact]
    public async Task Body_of_a_GET_is_ignored()
    {
        var request = TestRequests.Post("", "application/x-www-form-urlencoded", "device_id=D");
        request.Method = HttpMethods.Get;

        var bag = await TestRequests.ReadAsync(request);

        Assert.False(bag.Has("device_id"));
        Assert.Null(bag.RawBody);
    }

    [Theory]
    [InlineData("application/x-www-form-urlencoded", "device_id=body")]
    [InlineData("application/json", "{\"device_id\":\"body\"}")]
    public async Task Query_value_wins_over_body_value(string contentType, string body)
    {
        var bag = await TestRequests.ReadAsync(TestRequests.Post("device_id=query", contentType, body));

        Assert.Equal("query", bag.GetString("device_id"));
    }

    [Fact]
    public async Task Json_body_values_keep_their_types()
    {
        const string body = "{\"begin_session\":1,\"metrics\":{\"_os\":\"Android\"},\"events\":[{\"key\":\"a\"}],\"device_id\":\"D\",\"flag\":false}";

        var bag = await TestRequests.ReadAsync(TestRequests.Post("", "application/json; charset=utf-8", body));

        Assert.Equal(JsonValueKind.Number, bag.KindOf("begin_session"));
        Assert.Equal(JsonValueKind.Object, bag.KindOf("metrics"));
        Assert.Equal(JsonValueKind.Array, bag.KindOf("events"));
        Assert.Equal(JsonValueKind.String, bag.KindOf("device_id"));
        Assert.Equal(JsonValueKind.False, bag.KindOf("flag"));
    }

    [Fact]
    public async Task Json_body_repeated_property_keeps_the_last_value()
    {
        var bag = await TestRequests.ReadAsync(TestRequests.Post("", "application/json", "{\"a\":\"1\",\"a\":\"2\"}"));

        Assert.Equal("2", bag.GetString("a"));
    }

    [Theory]
    [InlineData("{\"device_id\":")]
    [InlineData("not json")]
    [InlineData("[{\"device_id\":\"D\"}]")]
    [InlineData("\"device_id\"")]
    [InlineData("{\"device_id\":\"D\"} trailing")]
    [InlineData("{\"device_id\":\"D\",}")]
    [InlineData("{/*c*/\"device_id\":\"D\"}")]
    [InlineData("")]
    public async Task Invalid_json_body_adds_no_parameters(string body)
    {
        var bag = await TestRequests.ReadAsync(TestRequests.Post("app_key=K", "application/json", body));

        Assert.False(bag.Has("device_id"));
        Assert.Equal("K", bag.GetString("app_key"));
    }

    [Fact]
    public async Task Json_body_nested_deeper_than_the_limit_adds_no_parameters()
    {
        var body = "{\"device_id\":\"D\",\"deep\":" + new string('[', 40) + new string(']', 40) + "}";

        var bag = await TestRequests.ReadAsync(TestRequests.Post("", "application/json", body));

        Assert.Equal(0, bag.Count);
    }

    [Fact]
    public async Task Json_body_with_invalid_UTF8_does_not_throw()
    {
        var body = Encoding.UTF8.GetBytes("{\"device_id\":\"a\u00FFb\",\"x\":\"y\"}");
        body[15] = 0xFF; // break the two-byte sequence of ÿ

        var result = await ParamBag.ReadAsync(TestRequests.Post("", "application/json", body), RequestLimits.Default, CancellationToken.None);

        Assert.True(result.Success);
    }

    [Fact]
    public async Task Json_body_lone_surrogate_escape_reads_as_replacement_character_keeping_the_rest()
    {
        var bag = await TestRequests.ReadAsync(TestRequests.Post("", "application/json", "{\"device_id\":\"a\\ud800b\"}"));

        Assert.Equal("a\uFFFDb", bag.GetString("device_id"));
    }

    [Fact]
    public async Task Multipart_fields_are_read_and_files_ignored()
    {
        const string body =
            "--XyZ\r\nContent-Disposition: form-data; name=\"device_id\"\r\n\r\nD 1\r\n" +
            "--XyZ\r\nContent-Disposition: form-data; name=\"upload\"; filename=\"a.txt\"\r\nContent-Type: text/plain\r\n\r\nfile content\r\n" +
            "--XyZ\r\nContent-Disposition: form-data; name=\"app_key\"\r\n\r\nK\r\n" +
            "--XyZ--\r\n";

        var bag = await TestRequests.ReadAsync(TestRequests.Post("", "multipart/form-data; boundary=XyZ", body));

        Assert.Equal("D 1", bag.GetString("device_id"));
        Assert.Equal("K", bag.GetString("app_key"));
        Assert.False(bag.Has("upload"));
    }

    [Fact]
    public async Task Malformed_multipart_adds_no_parameters()
    {
        var request = TestRequests.Post("app_key=K", "multipart/form-data; boundary=XyZ", "--XyZ\r\nContent-Disposition: form-data; name=\"device_id\"\r\n\r\nno end");

        var bag = await TestRequests.ReadAsync(request);

        Assert.False(bag.Has("device_id"));
        Assert.Equal("K", bag.GetString("app_key"));
    }

    [Fact]
    public async Task Query_longer_than_the_limit_is_413()
    {
        var limits = new RequestLimits { MaxQueryLength = 10 };

        var result = await ParamBag.ReadAsync(TestRequests.Get("device_id=0123456789"), limits, CancellationToken.None);

        Assert.Equal(StatusCodes.Status413PayloadTooLarge, result.StatusCode);
        Assert.Null(result.Bag);
        Assert.Contains("URL", result.Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Body_larger_than_the_limit_is_413(bool sendLength)
    {
        var limits = new RequestLimits { MaxBodyBytes = 16 };
        var request = TestRequests.Post("", "application/x-www-form-urlencoded", "device_id=0123456789abcdef", sendLength);

        var result = await ParamBag.ReadAsync(request, limits, CancellationToken.None);

        Assert.Equal(StatusCodes.Status413PayloadTooLarge, result.StatusCode);
        Assert.Contains("body", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Body_that_fails_to_read_is_400()
    {
        var request = TestRequests.Post("", null, "");
        request.Body = new ThrowingStream(new IOException("connection reset"));

        var result = await ParamBag.ReadAsync(request, RequestLimits.Default, CancellationToken.None);

        Assert.Equal(StatusCodes.Status400BadRequest, result.StatusCode);
        Assert.Equal("Request body could not be read", result.Error);
    }

    [Fact]
    public async Task Body_over_the_server_limit_is_413()
    {
        var request = TestRequests.Post("", null, "");
        request.Body = new ThrowingStream(new BadHttpRequestException("too large", StatusCodes.Status413PayloadTooLarge));

        var result = await ParamBag.ReadAsync(request, RequestLimits.Default, CancellationToken.None);

        Assert.Equal(StatusCodes.Status413PayloadTooLarge, result.StatusCode);
    }

    [Fact]
    public async Task Body_exactly_at_the_limit_is_read()
    {
        var limits = new RequestLimits { MaxBodyBytes = 11 };

        var result = await ParamBag.ReadAsync(TestRequests.Post("", null, "device_id=D", sendLength: false), limits, CancellationToken.None);

        Assert.True(result.Success);
        Assert.Equal("D", result.Bag.GetString("device_id"));
    }

    [Fact]
    public async Task Large_body_without_content_length_is_read_whole()
    {
        var value = new string('x', 100_000);

        var bag = await TestRequests.ReadAsync(TestRequests.Post("", null, "device_id=" + value, sendLength: false));

        Assert.Equal(value, bag.GetString("device_id"));
    }

    [Theory]
    [InlineData("a=1&b=2&c=3&d=4", "")]
    [InlineData("a=1&b=2", "c=3&d=4")]
    [InlineData("a=1&a=2&a=3&a=4", "")]
    public async Task More_parameters_than_the_limit_is_400(string query, string body)
    {
        var limits = new RequestLimits { MaxParameters = 3 };

        var result = await ParamBag.ReadAsync(TestRequests.Post(query, null, body), limits, CancellationToken.None);

        Assert.Equal(StatusCodes.Status400BadRequest, result.StatusCode);
        Assert.Contains("Too many parameters", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Value_longer_than_the_limit_is_400_naming_the_parameter()
    {
        var limits = new RequestLimits { MaxValueLength = 5 };

        var result = await ParamBag.ReadAsync(TestRequests.Get("events=123456"), limits, CancellationToken.None);

        Assert.Equal(StatusCodes.Status400BadRequest, result.StatusCode);
        Assert.Equal("Parameter \"events\" is too long (limit 5 characters)", result.Error);
    }

    [Fact]
    public async Task Json_body_value_longer_than_the_limit_is_400()
    {
        var limits = new RequestLimits { MaxValueLength = 5 };

        var result = await ParamBag.ReadAsync(TestRequests.Post("", "application/json", "{\"events\":\"123456\"}"), limits, CancellationToken.None);

        Assert.Equal(StatusCodes.Status400BadRequest, result.StatusCode);
    }

    [Fact]
    public async Task Name_longer_than_the_limit_is_400()
    {
        var limits = new RequestLimits { MaxNameLength = 4 };

        var result = await ParamBag.ReadAsync(TestRequests.Get("abcde=1"), limits, CancellationToken.None);

        Assert.Equal(StatusCodes.Status400BadRequest, result.StatusCode);
        Assert.Contains("name", result.Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("begin_session=1", true)]
    [InlineData("begin_session=0", true)]
    [InlineData("begin_session=false", true)]
    [InlineData("begin_session=", false)]
    [InlineData("other=1", false)]
    public void IsTruthy_treats_every_non_empty_query_string_as_true(string query, bool expected) =>
        Assert.Equal(expected, TestRequests.Query(query).IsTruthy("begin_session"));

    [Theory]
    [InlineData("{\"begin_session\":1}", true)]
    [InlineData("{\"begin_session\":\"0\"}", true)]
    [InlineData("{\"begin_session\":true}", true)]
    [InlineData("{\"begin_session\":{}}", true)]
    [InlineData("{\"begin_session\":0}", false)]
    [InlineData("{\"begin_session\":false}", false)]
    [InlineData("{\"begin_session\":null}", false)]
    [InlineData("{\"begin_session\":\"\"}", false)]
    public void IsTruthy_follows_JavaScript_for_json_values(string json, bool expected) =>
        Assert.Equal(expected, TestRequests.Json(json).IsTruthy("begin_session"));

    [Theory]
    [InlineData("location=", true)]
    [InlineData("location", true)]
    [InlineData("other=1", false)]
    public void Has_is_true_for_present_even_empty_values(string query, bool expected) =>
        Assert.Equal(expected, TestRequests.Query(query).Has("location"));

    [Theory]
    [InlineData("{\"device_id\":12345}", "12345")]
    [InlineData("{\"device_id\":1.50}", "1.5")]
    [InlineData("{\"device_id\":1e400}", "Infinity")]
    [InlineData("{\"device_id\":true}", "true")]
    [InlineData("{\"device_id\":null}", "null")]
    [InlineData("{\"device_id\":{\"$ne\":null}}", "[object Object]")]
    [InlineData("{\"device_id\":[\"a\",\"b\"]}", "a,b")]
    public void GetString_coerces_json_values_like_String_of_x(string json, string expected) =>
        Assert.Equal(expected, TestRequests.Json(json).GetString("device_id"));

    [Fact]
    public void GetString_is_null_when_absent() =>
        Assert.Null(TestRequests.Query("a=1").GetString("device_id"));

    [Theory]
    [InlineData("app_key[$regex]=^a")]
    [InlineData("app_key%5B%24regex%5D=%5Ea")]
    [InlineData("app_key=K&app_key[$ne]=x")]
    [InlineData("app_key[$ne]=x&app_key=K")]
    public void Bracketed_name_makes_the_base_name_a_non_string(string query)
    {
        var bag = TestRequests.Query(query);

        Assert.Equal(JsonValueKind.Object, bag.KindOf("app_key"));
        Assert.Equal("[object Object]", bag.GetString("app_key"));
    }

    [Fact]
    public void Bracketed_name_reads_as_a_json_object()
    {
        var bag = TestRequests.Query("app_key[$regex]=^a");

        Assert.True(bag.TryGetJson("app_key", out var json));
        Assert.Equal("^a", json.GetProperty("$regex").GetString());
    }

    [Fact]
    public void Name_starting_with_a_bracket_is_an_ordinary_name() =>
        Assert.Equal("x", TestRequests.Query("[CLY]_a=x").GetString("[CLY]_a"));

    [Fact]
    public void Repeated_name_becomes_an_array_joined_by_String()
    {
        var bag = TestRequests.Query("device_id=a&device_id=b");

        Assert.Equal(JsonValueKind.Array, bag.KindOf("device_id"));
        Assert.Equal("a,b", bag.GetString("device_id"));
        Assert.True(bag.TryGetJson("device_id", out var json));
        Assert.Equal(2, json.GetArrayLength());
    }

    [Theory]
    [InlineData("__proto__=x")]
    [InlineData("constructor=x")]
    [InlineData("$where=x")]
    [InlineData("a.b=x")]
    public void Hostile_names_are_plain_names(string query)
    {
        var name = query[..query.IndexOf('=')];

        Assert.Equal("x", TestRequests.Query(query).GetString(name));
    }

    [Theory]
    [InlineData("&&&")]
    [InlineData("=x")]
    [InlineData("=")]
    [InlineData("")]
    public void Empty_names_are_skipped(string query) =>
        Assert.Equal(0, TestRequests.Query(query).Count);

    [Fact]
    public void TryGetJson_parses_a_string_value()
    {
        var bag = TestRequests.Query("metrics=" + TestRequests.EncodeUriComponent("{\"_os\":\"Android\"}"));

        Assert.True(bag.TryGetJson("metrics", out var json));
        Assert.Equal("Android", json.GetProperty("_os").GetString());
    }

    [Fact]
    public void TryGetJson_returns_a_json_value_as_is()
    {
        var bag = TestRequests.Json("{\"events\":[{\"key\":\"a\"}]}");

        Assert.True(bag.TryGetJson("events", out var json));
        Assert.Equal(JsonValueKind.Array, json.ValueKind);
    }

    [Theory]
    [InlineData("{")]
    [InlineData("{\"a\":1} x")]
    [InlineData("{'a':1}")]
    [InlineData("[1,]")]
    [InlineData("NaN")]
    [InlineData("")]
    public void TryGetJson_is_false_for_invalid_json(string text)
    {
        var bag = TestRequests.Query("metrics=" + TestRequests.EncodeUriComponent(text));

        Assert.False(bag.TryGetJson("metrics", out _));
    }

    [Theory]
    [InlineData(32, true)]
    [InlineData(33, false)]
    [InlineData(10_000, false)]
    public void TryGetJson_caps_nesting_depth(int depth, bool expected)
    {
        var bag = TestRequests.Query("events=" + new string('[', depth) + new string(']', depth));

        Assert.Equal(expected, bag.TryGetJson("events", out _));
    }

    [Fact]
    public void TryGetJson_is_false_when_absent() =>
        Assert.False(TestRequests.Query("a=1").TryGetJson("metrics", out _));

    [Fact]
    public async Task Common_names_are_shared_instances_and_escaped_names_still_decode()
    {
        var first = await TestRequests.ReadAsync(TestRequests.Get("app_key=k1&device_id=d1&%61pp_id=x&my+name=v"));
        var second = await TestRequests.ReadAsync(TestRequests.Get("device_id=d2&app_key=k2"));

        var firstName = first.Values.Keys.First(k => k == "app_key");
        var secondName = second.Values.Keys.First(k => k == "app_key");
        Assert.Same(firstName, secondName);
        Assert.Equal("k1", first.GetString("app_key"));
        Assert.Equal("x", first.GetString("app_id"));
        Assert.Equal("v", first.GetString("my name"));
    }

    [Fact]
    public async Task The_raw_query_is_the_query_without_its_question_mark()
    {
        var bag = await TestRequests.ReadAsync(TestRequests.Get("app_key=k&device_id=d%20e"));

        Assert.Equal("app_key=k&device_id=d%20e", bag.RawQuery);
        Assert.Same(bag.RawQuery, bag.RawQuery);
    }

    [Fact]
    public async Task A_JSON_body_keeps_its_types_repeated_names_their_list_and_brackets_their_pairs()
    {
        var json = await ParamBag.ReadAsync(TestRequests.Post("", "application/json", """{"n":5,"b":true,"o":{"x":1},"s":"t"}"""), RequestLimits.Default, CancellationToken.None);
        Assert.True(json.Bag!.TryGetValue("n", out var n));
        Assert.True(n.HasJson);
        Assert.Equal(JsonValueKind.Number, n.Json.ValueKind);
        Assert.Equal(5, n.Json.GetInt32());
        Assert.Null(n.Items);
        Assert.Null(n.Pairs);
        Assert.True(json.Bag.TryGetValue("s", out var text));
        Assert.False(text.HasJson);
        Assert.Equal("t", text.Text);

        var query = await TestRequests.ReadAsync(TestRequests.Get("a=1&a=2&k[$ne]=x&k[$gt]=y"));
        Assert.True(query.TryGetValue("a", out var list));
        Assert.Equal(["1", "2"], list.Items!);
        Assert.False(list.HasJson);
        Assert.Null(list.Pairs);
        Assert.True(query.TryGetValue("k", out var pairs));
        Assert.Equal([new("$ne", "x"), new("$gt", "y")], pairs.Pairs!);
        Assert.Null(pairs.Items);
    }
}
