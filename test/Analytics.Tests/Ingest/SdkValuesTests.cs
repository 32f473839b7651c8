using System.Text.Json;
using Analytics.Frontend.Ingest;
using Xunit;

namespace Analytics.Tests.Ingest;

public sealed class SdkValuesTests
{
    private const long Now = 1_800_000_000_123;

    [Theory]
    [InlineData("30", 30)]
    [InlineData("30abc", 30)]
    [InlineData("  45", 45)]
    [InlineData("30.9", 30)]
    [InlineData("1e3", 1)]
    [InlineData("0x10", 16)]
    [InlineData("86400", 86400)]
    [InlineData("86401", 86400)]
    [InlineData("99999999999999999999", 86400)]
    [InlineData("-5", 30)]
    [InlineData("-999999", 30)]
    public void Session_duration_is_parsed_capped_and_negative_becomes_30(string value, int expected)
    {
        var bag = TestRequests.Query("session_duration=" + Uri.EscapeDataString(value));

        Assert.True(SdkValues.TryGetSessionDuration(bag, out var seconds));
        Assert.Equal(expected, seconds);
    }

    [Theory]
    [InlineData("session_duration=abc")]
    [InlineData("session_duration=0")]
    [InlineData("session_duration=-0")]
    [InlineData("session_duration=")]
    [InlineData("session_duration=NaN")]
    [InlineData("session_duration=Infinity")]
    [InlineData("other=1")]
    [InlineData("session_duration[$gt]=1")]
    public void Session_duration_that_is_NaN_or_zero_is_ignored(string query) =>
        Assert.False(SdkValues.TryGetSessionDuration(TestRequests.Query(query), out _));

    [Theory]
    [InlineData("{\"session_duration\":30.7}", true, 30)]
    [InlineData("{\"session_duration\":\"20\"}", true, 20)]
    [InlineData("{\"session_duration\":true}", false, 0)]
    [InlineData("{\"session_duration\":null}", false, 0)]
    [InlineData("{\"session_duration\":{\"a\":1}}", false, 0)]
    [InlineData("{\"session_duration\":1e400}", false, 0)]
    public void Session_duration_json_values_go_through_String_then_parseInt(string json, bool expected, int seconds)
    {
        Assert.Equal(expected, SdkValues.TryGetSessionDuration(TestRequests.Json(json), out var actual));
        Assert.Equal(seconds, actual);
    }

    [Fact]
    public void Session_duration_limit_is_configurable()
    {
        SdkValues.TryGetSessionDuration(TestRequests.Query("session_duration=500"), out var seconds, limit: 120);

        Assert.Equal(120, seconds);
    }

    [Theory]
    [InlineData("1700000000", 1_700_000_000_000)]
    [InlineData("1700000000.5", 1_700_000_000_500)]
    [InlineData("1700000000.0001", 1_700_000_000_000)]
    [InlineData("1700000000123", 1_700_000_000_123)]
    [InlineData("1700000000123.7", 1_700_000_000_123)]
    [InlineData("1.7e9", 1_700_000_000_000)]
    [InlineData(" 1700000000 ", 1_700_000_000_000)]
    [InlineData("+1700000000", 1_700_000_000_000)]
    public void Timestamp_in_seconds_or_ms_becomes_ms(string value, long expected) =>
        Assert.Equal(expected, SdkValues.ResolveTimestampMs(value, Now));

    [Theory]
    [InlineData("1900000000")]
    [InlineData("1800000001")]
    [InlineData("1800000000124")]
    [InlineData("9999999999999")]
    public void Timestamp_in_the_future_is_clamped_to_now(string value) =>
        Assert.Equal(Now, SdkValues.ResolveTimestampMs(value, Now));

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("0")]
    [InlineData("abc")]
    [InlineData("123")]
    [InlineData("170000000")]
    [InlineData("0170000000")]
    [InlineData("0000000000000")]
    [InlineData("170000000012")]
    [InlineData("17000000001234")]
    [InlineData("1700000000abc")]
    [InlineData("-1700000000")]
    [InlineData("NaN")]
    [InlineData("Infinity")]
    [InlineData("1e400")]
    public void Timestamp_that_is_not_10_or_13_digits_is_server_time(string? value) =>
        Assert.Equal(Now, SdkValues.ResolveTimestampMs(value, Now));

    [Theory]
    [InlineData("timestamp=1700000000", 1_700_000_000_000)]
    [InlineData("timestamp=", Now)]
    [InlineData("other=1", Now)]
    [InlineData("timestamp[$gt]=1700000000", Now)]
    public void Request_timestamp_comes_from_the_timestamp_parameter(string query, long expected) =>
        Assert.Equal(expected, SdkValues.ResolveTimestampMs(TestRequests.Query(query), Now));

    [Theory]
    [InlineData("1700000000", 1_700_000_000_000)]
    [InlineData("1700000000123", 1_700_000_000_123)]
    [InlineData("\"1700000000\"", 1_700_000_000_000)]
    [InlineData("0", Now)]
    [InlineData("true", Now)]
    [InlineData("{\"a\":1700000000}", Now)]
    [InlineData("[1700000000]", Now)]
    public void Json_timestamp_values_follow_the_same_rules(string json, long expected) =>
        Assert.Equal(expected, SdkValues.ResolveTimestampMs(JsonDocument.Parse(json).RootElement.Clone(), Now));
}
