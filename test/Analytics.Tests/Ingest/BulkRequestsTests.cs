using System.Text.Json;
using Analytics.Frontend.Ingest;
using Xunit;

namespace Analytics.Tests.Ingest;

public sealed class BulkRequestsTests
{
    [Theory]
    [InlineData("app_key=K")]
    [InlineData("requests=")]
    [InlineData("requests=%5B%7B")]
    [InlineData("requests=null")]
    [InlineData("requests=0")]
    [InlineData("requests=%22%22")]
    public void Missing_or_unparsable_requests_is_missing_parameter(string query) =>
        Assert.Equal("Missing parameter \"requests\"", BulkRequests.Read(TestRequests.Query(query)).Error);

    [Theory]
    [InlineData("requests=%7B%7D")]
    [InlineData("requests=5")]
    [InlineData("requests=%22abc%22")]
    public void Requests_that_are_not_an_array_is_invalid_parameter(string query) =>
        Assert.Equal("Invalid parameter \"requests\"", BulkRequests.Read(TestRequests.Query(query)).Error);

    [Fact]
    public void Items_keep_json_types_and_inherit_the_request_app_key()
    {
        var requests = "[{\"device_id\":\"D1\",\"begin_session\":1,\"metrics\":{\"_os\":\"Linux\"}},{\"device_id\":\"D2\",\"app_key\":\"OWN\"}]";
        var bag = TestRequests.Query("app_key=K&requests=" + TestRequests.EncodeUriComponent(requests));

        var result = BulkRequests.Read(bag);

        Assert.Null(result.Error);
        Assert.Equal(2, result.Items.Count);
        Assert.Equal("K", result.Items[0].GetString("app_key"));
        Assert.Equal(JsonValueKind.Object, result.Items[0].KindOf("metrics"));
        Assert.True(result.Items[0].IsTruthy("begin_session"));
        Assert.Equal("OWN", result.Items[1].GetString("app_key"));
    }

    [Fact]
    public void Items_without_device_or_any_app_key_and_non_objects_are_skipped()
    {
        var requests = "[{\"app_key\":\"K\"},{\"device_id\":\"D\"},5,null,\"x\",{\"app_key\":\"K\",\"device_id\":\"OK\"}]";

        var result = BulkRequests.Read(TestRequests.Json("{\"requests\":" + requests + "}"));

        Assert.Equal("OK", Assert.Single(result.Items).GetString("device_id"));
    }

    [Fact]
    public void Item_with_falsy_app_key_takes_the_request_app_key()
    {
        var result = BulkRequests.Read(TestRequests.Json("{\"app_key\":\"K\",\"requests\":[{\"app_key\":\"\",\"device_id\":\"D\"}]}"));

        Assert.Equal("K", Assert.Single(result.Items).GetString("app_key"));
    }

    [Fact]
    public void Empty_array_is_no_items() =>
        Assert.Empty(BulkRequests.Read(TestRequests.Query("requests=%5B%5D")).Items);
}
