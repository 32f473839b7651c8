using Analytics.Frontend.Ingest;
using Xunit;

namespace Analytics.Tests.Ingest;

public sealed class SdkIdentityTests
{
    [Theory]
    [InlineData("device_id=D")]
    [InlineData("app_key=K")]
    [InlineData("app_key=&device_id=D")]
    [InlineData("app_key=K&device_id=")]
    [InlineData("")]
    public void Missing_or_empty_key_or_device_is_400_missing_parameter(string query)
    {
        var check = SdkIdentity.Validate(TestRequests.Query(query));

        Assert.Equal(IdentityOutcome.Missing, check.Outcome);
        Assert.Equal(400, check.StatusCode);
        Assert.Equal("Missing parameter \"app_key\" or \"device_id\"", check.Message);
    }

    [Theory]
    [InlineData("{\"app_key\":0,\"device_id\":\"D\"}")]
    [InlineData("{\"app_key\":\"K\",\"device_id\":false}")]
    [InlineData("{\"app_key\":null,\"device_id\":\"D\"}")]
    public void Falsy_json_key_or_device_is_missing(string json) =>
        Assert.Equal(IdentityOutcome.Missing, SdkIdentity.Validate(TestRequests.Json(json)).Outcome);

    [Fact]
    public void Zero_IDFA_is_ignored_with_200()
    {
        var check = SdkIdentity.Validate(TestRequests.Query("app_key=K&device_id=00000000-0000-0000-0000-000000000000"));

        Assert.Equal(IdentityOutcome.IgnoredDevice, check.Outcome);
        Assert.Equal(200, check.StatusCode);
        Assert.Equal("Ignoring device_id", check.Message);
    }

    [Theory]
    [InlineData("app_key[$regex]=^a&device_id=D")]
    [InlineData("app_key[$ne]=&device_id=D")]
    [InlineData("app_key=K&app_key=L&device_id=D")]
    public void Non_string_query_app_key_is_400_app_does_not_exist(string query)
    {
        var check = SdkIdentity.Validate(TestRequests.Query(query));

        Assert.Equal(IdentityOutcome.UnknownApp, check.Outcome);
        Assert.Equal(400, check.StatusCode);
        Assert.Equal("App does not exist", check.Message);
    }

    [Theory]
    [InlineData("{\"app_key\":{\"$regex\":\"^a\"},\"device_id\":\"D\"}")]
    [InlineData("{\"app_key\":{\"$ne\":null},\"device_id\":\"D\"}")]
    [InlineData("{\"app_key\":{\"$gt\":\"\"},\"device_id\":\"D\"}")]
    [InlineData("{\"app_key\":[\"K\",\"x\"],\"device_id\":\"D\"}")]
    [InlineData("{\"app_key\":[\"K\"],\"device_id\":\"D\"}")]
    [InlineData("{\"app_key\":true,\"device_id\":\"D\"}")]
    public void Non_string_json_app_key_is_app_does_not_exist(string json) =>
        Assert.Equal(IdentityOutcome.UnknownApp, SdkIdentity.Validate(TestRequests.Json(json)).Outcome);

    [Theory]
    [InlineData(64, IdentityOutcome.Ok)]
    [InlineData(65, IdentityOutcome.UnknownApp)]
    public void App_key_is_bounded_at_64_chars(int length, IdentityOutcome expected) =>
        Assert.Equal(expected, SdkIdentity.Validate(TestRequests.Query("device_id=D&app_key=" + new string('a', length))).Outcome);

    [Theory]
    [InlineData(200, IdentityOutcome.Ok)]
    [InlineData(201, IdentityOutcome.InvalidDeviceId)]
    public void Device_id_is_bounded_at_200_chars(int length, IdentityOutcome expected) =>
        Assert.Equal(expected, SdkIdentity.Validate(TestRequests.Query("app_key=K&device_id=" + new string('d', length))).Outcome);

    [Fact]
    public void Over_long_device_id_is_400_with_a_clear_message()
    {
        var check = SdkIdentity.Validate(TestRequests.Query("app_key=K&device_id=" + new string('d', 201)));

        Assert.Equal(400, check.StatusCode);
        Assert.Equal("Parameter \"device_id\" is longer than 200 characters", check.Message);
    }

    [Theory]
    [InlineData("{\"app_key\":\"K\",\"device_id\":{\"$ne\":null}}")]
    [InlineData("{\"app_key\":\"K\",\"device_id\":[\"a\",\"b\"]}")]
    public void Object_or_array_device_id_is_400_invalid(string json)
    {
        var check = SdkIdentity.Validate(TestRequests.Json(json));

        Assert.Equal(IdentityOutcome.InvalidDeviceId, check.Outcome);
        Assert.Equal("Invalid parameter \"device_id\"", check.Message);
    }

    [Fact]
    public void Bracketed_device_id_is_400_invalid() =>
        Assert.Equal(IdentityOutcome.InvalidDeviceId, SdkIdentity.Validate(TestRequests.Query("app_key=K&device_id[$ne]=x")).Outcome);

    [Theory]
    [InlineData("{\"app_key\":\"K\",\"device_id\":12345}", "12345")]
    [InlineData("{\"app_key\":\"K\",\"device_id\":1.50}", "1.5")]
    public void Numeric_device_id_is_coerced_to_a_string(string json, string expected)
    {
        var check = SdkIdentity.Validate(TestRequests.Json(json));

        Assert.True(check.IsOk);
        Assert.Equal(expected, check.DeviceId);
    }

    [Fact]
    public void Valid_request_yields_key_and_device()
    {
        var check = SdkIdentity.Validate(TestRequests.Query("app_key=0123456789abcdef0123456789abcdef01234567&device_id=dev-node-1"));

        Assert.Equal(new IdentityCheck(IdentityOutcome.Ok, 200, null, "0123456789abcdef0123456789abcdef01234567", "dev-node-1"), check);
    }
}
