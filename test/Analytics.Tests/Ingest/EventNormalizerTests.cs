using System.Text;
using System.Text.Json;
using Analytics.Frontend.Ingest;
using Analytics.Grains;
using Xunit;

namespace Analytics.Tests.Ingest;

public sealed class EventNormalizerTests
{
    private const long RequestTs = 1_700_000_000_000;
    private const long Now = 1_800_000_000_000;

    [Fact]
    public void Event_with_every_field_is_normalised()
    {
        var e = Single("{\"key\":\"purchase\",\"count\":2,\"sum\":9.99,\"dur\":3,\"segmentation\":{\"country\":\"DE\",\"plan\":\"pro\"},\"timestamp\":1795677272388,\"hour\":7,\"dow\":4}");

        Assert.Equal("purchase", e.Key);
        Assert.Equal(2, e.Count);
        Assert.Equal(9.99m, e.Sum);
        Assert.Equal(3m, e.Dur);
        Assert.Equal(1_795_677_272_388, e.Timestamp);
        Assert.Equal(Pairs(("country", "DE"), ("plan", "pro")), e.Segments);
    }

    [Fact]
    public void Event_without_optional_fields_counts_one_at_the_request_time()
    {
        var e = Single("{\"key\":\"a\"}");

        Assert.Equal(1, e.Count);
        Assert.Null(e.Sum);
        Assert.Null(e.Dur);
        Assert.Equal(RequestTs, e.Timestamp);
        Assert.Empty(e.Segments);
    }

    [Theory]
    [InlineData("{\"key\":\"a\"}")]
    [InlineData("\"[{\\\"key\\\":\\\"a\\\"}]\"")]
    [InlineData("null")]
    [InlineData("5")]
    public void Events_that_are_not_an_array_are_no_events(string json) =>
        Assert.Empty(EventNormalizer.Normalize(Parse(json), RequestTs, Now));

    [Theory]
    [InlineData("events=")]
    [InlineData("events=[{")]
    [InlineData("events={\"key\":\"a\"}")]
    [InlineData("other=1")]
    public void Absent_or_malformed_events_parameter_is_no_events(string query) =>
        Assert.Empty(EventNormalizer.Normalize(TestRequests.Query(query), RequestTs, Now));

    [Fact]
    public void Events_query_string_is_parsed()
    {
        var bag = TestRequests.Query("events=" + TestRequests.EncodeUriComponent("[{\"key\":\"a\",\"count\":3}]"));

        var events = EventNormalizer.Normalize(bag, RequestTs, Now);

        Assert.Equal(3, Assert.Single(events).Count);
    }

    [Fact]
    public void Elements_that_are_not_objects_are_skipped()
    {
        var events = Normalize("[1,\"x\",null,[],true,{\"key\":\"a\"}]");

        Assert.Equal("a", Assert.Single(events).Key);
    }

    [Theory]
    [InlineData("{}")]
    [InlineData("{\"key\":\"\"}")]
    [InlineData("{\"count\":1}")]
    [InlineData("{\"key\":\"[CLY]_unknown\"}")]
    [InlineData("{\"key\":\"[CLY]_\"}")]
    [InlineData("{\"key\":\"$\"}")]
    [InlineData("{\"key\":\"system.\"}")]
    [InlineData("{\"key\":\"$$..\"}")]
    public void Event_without_a_usable_key_is_skipped(string json) =>
        Assert.Empty(Normalize("[" + json + "]"));

    [Theory]
    [InlineData("null", "null")]
    [InlineData("123", "123")]
    [InlineData("1.0", "1")]
    [InlineData("false", "false")]
    [InlineData("{ \"a\" : 1 }", "{\"a\":1}")]
    [InlineData("[\"x\"]", "[\"x\"]")]
    public void Non_string_keys_are_JSON_stringified(string key, string expected) =>
        Assert.Equal(expected, Single("{\"key\":" + key + "}").Key);

    [Theory]
    [InlineData("[CLY]_view")]
    [InlineData("[CLY]_crash")]
    [InlineData("[CLY]_star_rating")]
    [InlineData("[CLY]_nps")]
    [InlineData("[CLY]_survey")]
    [InlineData("[CLY]_push_action")]
    [InlineData("[CLY]_action")]
    [InlineData("[CLY]_consent")]
    [InlineData("[CLY]_orientation")]
    [InlineData("[CLY]_session")]
    public void Registered_internal_events_are_kept(string key) =>
        Assert.Equal(key, Single("{\"key\":\"" + key + "\"}").Key);

    [Fact]
    public void A_star_rating_keeps_its_rating_segments_but_not_the_feedback_a_person_typed()
    {
        var rating = Single("""{"key":"[CLY]_star_rating","segmentation":{"rating":4,"platform":"android","app_version":"1.0","email":"a@b.c","comment":"nice","widget_id":"w1","contactMe":true}}""");
        var other = Single("""{"key":"feedback","segmentation":{"email":"a@b.c","comment":"nice"}}""");

        Assert.Equal(Pairs(("rating", "[CLY]4"), ("platform", "android"), ("app_version", "1:0")), rating.Segments);
        Assert.Equal(Pairs(("email", "a@b:c"), ("comment", "nice")), other.Segments);
    }

    [Theory]
    [InlineData("system.click", "click")]
    [InlineData("a..b", "ab")]
    [InlineData("a...b", "a.b")]
    [InlineData("a.b", "a.b")]
    [InlineData("$a$b", "ab")]
    [InlineData("$where", "where")]
    [InlineData("__proto__", "__proto__")]
    [InlineData("mysystem.x", "myx")]
    public void Event_keys_lose_system_dot_double_dots_and_dollars(string key, string expected) =>
        Assert.Equal(expected, Single("{\"key\":\"" + key + "\"}").Key);

    [Theory]
    [InlineData(127, true)]
    [InlineData(128, false)]
    [InlineData(5000, false)]
    public void Event_keys_of_128_chars_or_more_are_dropped(int length, bool kept) =>
        Assert.Equal(kept ? 1 : 0, Normalize("[{\"key\":\"" + new string('k', length) + "\"}]").Count);

    [Fact]
    public void Event_key_length_is_checked_after_clean_up() =>
        Assert.Single(Normalize("[{\"key\":\"" + new string('k', 120) + "$$$$$$$$$$$$\"}]"));

    [Theory]
    [InlineData("5", 5)]
    [InlineData("\"5\"", 5)]
    [InlineData("2.7", 2)]
    [InlineData("\"-3\"", -3)]
    [InlineData("0", 1)]
    [InlineData("\"0\"", 1)]
    [InlineData("0.4", 1)]
    [InlineData("\".5\"", 1)]
    [InlineData("\"5abc\"", 1)]
    [InlineData("\"abc\"", 1)]
    [InlineData("true", 1)]
    [InlineData("null", 1)]
    [InlineData("{}", 1)]
    [InlineData("[5]", 1)]
    [InlineData("1e400", 1)]
    [InlineData("1e20", 9007199254740991)]
    [InlineData("-1e20", -9007199254740991)]
    [InlineData("-7", -7)]
    [InlineData("1e2", 100)]
    [InlineData("2.0", 2)]
    [InlineData("9007199254740993", 9007199254740991)]
    [InlineData("-9223372036854775808", -9007199254740991)]
    [InlineData("9223372036854775808", 9007199254740991)]
    public void Count_is_parseInt_when_numeric_else_one(string count, long expected) =>
        Assert.Equal(expected, Single("{\"key\":\"a\",\"count\":" + count + "}").Count);

    [Theory]
    [InlineData("9.99", "9.99")]
    [InlineData("\"1.123456\"", "1.12346")]
    [InlineData("2.000001", "2")]
    [InlineData("-2.5", "-2.5")]
    [InlineData("100", "100")]
    [InlineData("1e21", "1000000000000000000000")]
    public void Sum_is_rounded_to_five_decimals(string sum, string expected) =>
        Assert.Equal(decimal.Parse(expected, System.Globalization.CultureInfo.InvariantCulture), Single("{\"key\":\"a\",\"sum\":" + sum + "}").Sum);

    [Theory]
    [InlineData("0")]
    [InlineData("\"abc\"")]
    [InlineData("\"\"")]
    [InlineData("true")]
    [InlineData("{}")]
    [InlineData("1e400")]
    [InlineData("1e30")]
    public void Sum_that_is_zero_non_numeric_or_too_large_is_absent(string sum) =>
        Assert.Null(Single("{\"key\":\"a\",\"sum\":" + sum + "}").Sum);

    [Theory]
    [InlineData("3", "3")]
    [InlineData("\"2.5\"", "2.5")]
    [InlineData("0.1234567", "0.1234567")]
    public void Dur_is_the_parsed_number(string dur, string expected) =>
        Assert.Equal(decimal.Parse(expected, System.Globalization.CultureInfo.InvariantCulture), Single("{\"key\":\"a\",\"dur\":" + dur + "}").Dur);

    [Theory]
    [InlineData("\"x\"")]
    [InlineData("0")]
    [InlineData("null")]
    public void Dur_that_is_zero_or_non_numeric_is_absent(string dur) =>
        Assert.Null(Single("{\"key\":\"a\",\"dur\":" + dur + "}").Dur);

    [Theory]
    [InlineData("1750000000", 1_750_000_000_000)]
    [InlineData("1750000000123", 1_750_000_000_123)]
    [InlineData("\"1750000000\"", 1_750_000_000_000)]
    [InlineData("1900000000", Now)]
    [InlineData("\"garbage\"", Now)]
    [InlineData("12345", Now)]
    [InlineData("1.75e12", 1_750_000_000_000)]
    [InlineData("-1750000000", Now)]
    [InlineData("17500000000", Now)]
    [InlineData("999999999", Now)]
    [InlineData("0", RequestTs)]
    [InlineData("\"\"", RequestTs)]
    [InlineData("null", RequestTs)]
    public void Event_timestamp_rebuckets_the_event(string timestamp, long expected) =>
        Assert.Equal(expected, Single("{\"key\":\"a\",\"timestamp\":" + timestamp + "}").Timestamp);

    [Theory]
    [InlineData("{\"a.b\":\"x\"}", "ab", "x")]
    [InlineData("{\"$a\":\"x\"}", "a", "x")]
    [InlineData("{\"$$a.b.\":\"x\"}", "ab", "x")]
    [InlineData("{\"a$b\":\"x\"}", "a$b", "x")]
    [InlineData("{\"$where\":\"x\"}", "where", "x")]
    [InlineData("{\"__proto__\":\"x\"}", "__proto__", "x")]
    [InlineData("{\"k\":null}", "k", "null")]
    [InlineData("{\"k\":true}", "k", "true")]
    [InlineData("{\"k\":false}", "k", "false")]
    [InlineData("{\"k\":0}", "k", "0")]
    [InlineData("{\"k\":10}", "k", "[CLY]10")]
    [InlineData("{\"k\":100}", "k", "100")]
    [InlineData("{\"k\":1.5}", "k", "1:5")]
    [InlineData("{\"k\":1e400}", "k", "Infinity")]
    [InlineData("{\"k\":\"$$x.y\"}", "k", "x:y")]
    [InlineData("{\"k\":\"a$b\"}", "k", "a$b")]
    [InlineData("{\"k\":\"a\\u0000b\"}", "k", "a&#9647b")]
    [InlineData("{\"k\":\"1\"}", "k", "[CLY]1")]
    [InlineData("{\"k\":31}", "k", "[CLY]31")]
    [InlineData("{\"k\":\"$7\"}", "k", "[CLY]7")]
    [InlineData("{\"k\":\"32\"}", "k", "32")]
    [InlineData("{\"k\":\"01\"}", "k", "01")]
    [InlineData("{\"k\":\"1.0\"}", "k", "1:0")]
    [InlineData("{\"k\":{\"a\":1}}", "k", "[object Object]")]
    [InlineData("{\"k\":{\"$where\":\"x\"}}", "k", "[object Object]")]
    public void Segments_are_escaped_like_Countly(string segmentation, string key, string value) =>
        Assert.Equal(Pairs((key, value)), Segments(segmentation));

    [Theory]
    [InlineData("{\"\":\"x\"}")]
    [InlineData("{\"$\":\"x\"}")]
    [InlineData("{\"..\":\"x\"}")]
    [InlineData("{\"k\":[\"a\",\"b\"]}")]
    [InlineData("{\"k\":\"\"}")]
    [InlineData("{\"k\":\"$$\"}")]
    public void Unusable_segments_are_skipped(string segmentation) =>
        Assert.Empty(Segments(segmentation));

    [Theory]
    [InlineData("\"abc\"")]
    [InlineData("[\"a\"]")]
    [InlineData("5")]
    [InlineData("null")]
    public void Segmentation_that_is_not_an_object_gives_no_segments(string segmentation) =>
        Assert.Empty(Single("{\"key\":\"a\",\"segmentation\":" + segmentation + "}").Segments);

    [Fact]
    public void Segment_keys_of_128_chars_or_more_are_dropped()
    {
        var segments = Segments("{\"" + new string('k', 128) + "\":\"x\",\"" + new string('k', 127) + "\":\"y\"}");

        Assert.Equal(new string('k', 127), Assert.Single(segments).Key);
    }

    [Fact]
    public void Segment_values_are_capped_at_256_chars()
    {
        var segments = Segments("{\"k\":\"" + new string('v', 1000) + "\"}");

        Assert.Equal(EventNormalizer.MaxSegmentValueLength, Assert.Single(segments).Value.Length);
    }

    [Fact]
    public void At_most_100_segments_are_kept_per_event()
    {
        var sb = new StringBuilder("{");
        for (var i = 0; i < 150; i++)
        {
            sb.Append(i == 0 ? "" : ",").Append("\"s").Append(i).Append("\":\"v\"");
        }

        var segments = Segments(sb.Append('}').ToString());

        Assert.Equal(EventNormalizer.MaxSegmentsPerEvent, segments.Count);
        Assert.Equal("s99", segments[^1].Key);
    }

    [Fact]
    public void Keys_that_clean_up_to_the_same_name_keep_the_last_value_in_the_first_position() =>
        Assert.Equal(Pairs(("ab", "v2"), ("c", "v3")), Segments("{\"ab\":\"v1\",\"c\":\"v3\",\"a.b\":\"v2\"}"));

    [Fact]
    public void Later_array_value_for_the_same_cleaned_key_removes_the_segment() =>
        Assert.Equal(Pairs(("c", "v3")), Segments("{\"ab\":\"v1\",\"c\":\"v3\",\"a.b\":[1]}"));

    [Fact]
    public void Duplicate_cleaned_keys_merge_also_among_many_segments()
    {
        var sb = new StringBuilder("{");
        for (var i = 0; i < 40; i++)
        {
            sb.Append("\"s").Append(i).Append("\":\"v\",");
        }

        var segments = Segments(sb.Append("\"s.3\":\"last\",\"s.5\":[1],\"extra\":\"e\"}").ToString());

        Assert.Equal(40, segments.Count);
        Assert.Equal(new KeyValuePair<string, string>("s3", "last"), segments[3]);
        Assert.DoesNotContain(segments, p => p.Key == "s5");
        Assert.Equal("extra", segments[^1].Key);
    }

    [Fact]
    public void Huge_segmentation_object_keeps_the_first_100_segments()
    {
        var sb = new StringBuilder("{");
        for (var i = 0; i < 50_000; i++)
        {
            sb.Append(i == 0 ? "" : ",").Append("\"k").Append(i).Append("\":\"v\"");
        }

        var segments = Segments(sb.Append('}').ToString());

        Assert.Equal(EventNormalizer.MaxSegmentsPerEvent, segments.Count);
    }

    [Fact]
    public void Every_event_of_a_request_is_taken_beyond_the_sdks_batch()
    {
        var json = "[" + string.Join(',', Enumerable.Range(0, 1500).Select(i => "{\"key\":\"e" + i + "\"}")) + "]";

        var events = Normalize(json);

        Assert.Equal(1500, events.Count);
        Assert.Equal("e1499", events[^1].Key);
    }

    [Fact]
    public void Skipped_events_are_left_out_and_the_rest_kept()
    {
        var json = "[" + string.Join(',', Enumerable.Range(0, 50).Select(_ => "{}")) + "," +
            string.Join(',', Enumerable.Range(0, 100).Select(i => "{\"key\":\"e" + i + "\"}")) + "]";

        Assert.Equal(100, Normalize(json).Count);
    }

    [Fact]
    public void Deeply_nested_events_are_no_events()
    {
        var bag = TestRequests.Query("events=[{\"key\":\"a\",\"segmentation\":" + new string('[', 64) + new string(']', 64) + "}]");

        Assert.Empty(EventNormalizer.Normalize(bag, RequestTs, Now));
    }

    [Theory]
    [InlineData("[CLY]_view", true)]
    [InlineData("[CLY]_anything", true)]
    [InlineData("purchase", false)]
    [InlineData("[cly]_view", false)]
    [InlineData("x[CLY]_view", false)]
    public void IsInternal_is_true_for_reserved_keys(string key, bool expected) =>
        Assert.Equal(expected, EventNormalizer.IsInternal(key));

    private static IReadOnlyList<IngestEvent> Normalize(string json) =>
        EventNormalizer.Normalize(Parse(json), RequestTs, Now);

    private static IngestEvent Single(string eventJson) => Assert.Single(Normalize("[" + eventJson + "]"));

    private static IReadOnlyList<KeyValuePair<string, string>> Segments(string segmentation) =>
        Single("{\"key\":\"a\",\"segmentation\":" + segmentation + "}").Segments;

    private static KeyValuePair<string, string>[] Pairs(params (string Key, string Value)[] pairs) =>
        Array.ConvertAll(pairs, p => new KeyValuePair<string, string>(p.Key, p.Value));

    private static JsonElement Parse(string json) => JsonDocument.Parse(json, new JsonDocumentOptions { MaxDepth = 200 }).RootElement.Clone();
}
