using Analytics.Frontend.Ingest;
using Xunit;

namespace Analytics.Tests.Ingest;

public sealed class FingerprintTests
{
    private const string Query = "app_key=K&device_id=D&begin_session=1&timestamp=1700000000123&metrics=%7B%22_os%22%3A%22Linux%22%7D";

    [Theory]
    [InlineData("app_key=K&device_id=D")]
    [InlineData("app_key=K&device_id=D&timestamp=")]
    public void Request_without_an_explicit_timestamp_has_fingerprint_zero(string query) =>
        Assert.Equal(0UL, Fingerprint.Of(TestRequests.Query(query)));

    [Fact]
    public void Request_with_a_timestamp_has_a_non_zero_fingerprint() =>
        Assert.NotEqual(0UL, Fingerprint.Of(TestRequests.Query(Query)));

    [Fact]
    public void Same_parameters_in_another_order_match() =>
        Assert.Equal(
            Fingerprint.Of(TestRequests.Query(Query)),
            Fingerprint.Of(TestRequests.Query("metrics=%7B%22_os%22%3A%22Linux%22%7D&timestamp=1700000000123&begin_session=1&device_id=D&app_key=K")));

    [Fact]
    public async Task Same_request_as_GET_and_form_POST_matches()
    {
        var post = await TestRequests.ReadAsync(TestRequests.Post("", "application/x-www-form-urlencoded", Query));

        Assert.Equal(Fingerprint.Of(TestRequests.Query(Query)), Fingerprint.Of(post));
    }

    [Fact]
    public void Same_request_as_GET_and_JSON_POST_matches()
    {
        var json = TestRequests.Json("{\"app_key\":\"K\",\"device_id\":\"D\",\"begin_session\":1,\"timestamp\":1700000000123,\"metrics\":{\"_os\":\"Linux\"}}");

        Assert.Equal(Fingerprint.Of(TestRequests.Query(Query)), Fingerprint.Of(json));
    }

    [Theory]
    [InlineData("&rr=3")]
    [InlineData("&checksum=ABC")]
    [InlineData("&checksum256=DEF")]
    public void Queue_length_and_checksums_are_ignored(string extra) =>
        Assert.Equal(Fingerprint.Of(TestRequests.Query(Query)), Fingerprint.Of(TestRequests.Query(Query + extra)));

    [Theory]
    [InlineData("timestamp=1700000000123", "timestamp=1700000000124")]
    [InlineData("device_id=D", "device_id=E")]
    [InlineData("begin_session=1", "end_session=1")]
    [InlineData("&metrics=", "&metricz=")]
    public void Any_other_difference_changes_the_fingerprint(string from, string to) =>
        Assert.NotEqual(
            Fingerprint.Of(TestRequests.Query(Query)),
            Fingerprint.Of(TestRequests.Query(Query.Replace(from, to, StringComparison.Ordinal))));

    [Fact]
    public void Name_value_boundaries_cannot_collide() =>
        Assert.NotEqual(
            Fingerprint.Of(TestRequests.Query("timestamp=1700000000&ab=c")),
            Fingerprint.Of(TestRequests.Query("timestamp=1700000000&a=bc")));
}
