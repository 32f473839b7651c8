using System.Security.Cryptography;
using System.Text;
using Analytics.Frontend.Ingest;
using Xunit;

namespace Analytics.Tests.Ingest;

public sealed class ChecksumTests
{
    private const string Salt = "s3cret";

    /// <summary>The begin_session request the Node SDK 24.10.4 sends (tooling notes §2), URL-encoded with encodeURIComponent.</summary>
    private static readonly string NodeSdkQuery =
        "begin_session=1&metrics=" + TestRequests.EncodeUriComponent("{\"_os\":\"Linux\",\"_os_version\":\"6.1\",\"_device\":\"bench-box\",\"_resolution\":\"1920x1080\",\"_locale\":\"en_US\",\"_app_version\":\"1.2.3\"}") +
        "&app_key=APPKEY123&device_id=dev-node-1&sdk_name=javascript_native_nodejs&sdk_version=24.10.4&t=0&timestamp=1795677272088&hour=7&dow=4&tz=0";

    [Fact]
    public async Task Node_SDK_checksum256_over_the_encoded_query_is_valid()
    {
        // The SDK: checksum256 = sha256_hex_lower(query + salt), appended as the last parameter.
        var checksum = Hex(SHA256.HashData(Encoding.UTF8.GetBytes(NodeSdkQuery + Salt))).ToLowerInvariant();
        var bag = await TestRequests.ReadAsync(TestRequests.Get(NodeSdkQuery + "&checksum256=" + checksum));

        var result = Checksum.Verify(Salt, bag.RawQuery, bag.RawBody, bag.GetString("checksum"), bag.GetString("checksum256"));

        Assert.Equal(ChecksumResult.Valid, result);
    }

    [Fact]
    public async Task Node_SDK_request_with_a_tampered_parameter_does_not_match()
    {
        var checksum = Hex(SHA256.HashData(Encoding.UTF8.GetBytes(NodeSdkQuery + Salt)));
        var tampered = NodeSdkQuery.Replace("begin_session=1", "begin_session=2", StringComparison.Ordinal);
        var bag = await TestRequests.ReadAsync(TestRequests.Get(tampered + "&checksum256=" + checksum));

        var result = Checksum.Verify(Salt, bag.RawQuery, bag.RawBody, bag.GetString("checksum"), bag.GetString("checksum256"));

        Assert.Equal(ChecksumResult.Mismatch, result);
    }

    [Fact]
    public void Spec_sha1_example_with_the_checksum_in_the_middle_is_valid()
    {
        var checksum = Hex(SHA1.HashData(Encoding.UTF8.GetBytes("app_key=K&device_id=Dsodiumchloride")));

        var result = Checksum.Verify("sodiumchloride", "app_key=K&checksum=" + checksum + "&device_id=D", null, checksum, null);

        Assert.Equal(ChecksumResult.Valid, result);
    }

    [Fact]
    public async Task Form_POST_body_is_a_checksum_candidate()
    {
        const string body = "app_key=K&device_id=D&begin_session=1";
        var checksum = Hex(SHA256.HashData(Encoding.UTF8.GetBytes(body + Salt)));
        var bag = await TestRequests.ReadAsync(TestRequests.Post("", "application/x-www-form-urlencoded", body + "&checksum256=" + checksum));

        var result = Checksum.Verify(Salt, bag.RawQuery, bag.RawBody, bag.GetString("checksum"), bag.GetString("checksum256"));

        Assert.Equal(ChecksumResult.Valid, result);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Checksum_case_does_not_matter(bool lower)
    {
        var checksum = Hex(SHA256.HashData(Encoding.UTF8.GetBytes("a=1" + Salt)));
        checksum = lower ? checksum.ToLowerInvariant() : checksum;

        Assert.Equal(ChecksumResult.Valid, Checksum.Verify(Salt, "a=1&checksum256=" + checksum, null, null, checksum));
    }

    [Fact]
    public void Checksum_sent_first_is_accepted_with_or_without_the_leading_ampersand()
    {
        var withAmpersand = Hex(SHA1.HashData(Encoding.UTF8.GetBytes("&a=1" + Salt)));
        var withoutAmpersand = Hex(SHA1.HashData(Encoding.UTF8.GetBytes("a=1" + Salt)));

        Assert.Equal(ChecksumResult.Valid, Checksum.Verify(Salt, "checksum=" + withAmpersand + "&a=1", null, withAmpersand, null));
        Assert.Equal(ChecksumResult.Valid, Checksum.Verify(Salt, "checksum=" + withoutAmpersand + "&a=1", null, withoutAmpersand, null));
    }

    [Fact]
    public void Sha1_checksum_wins_over_checksum256()
    {
        var sha256 = Hex(SHA256.HashData(Encoding.UTF8.GetBytes("a=1&checksum=x" + Salt)));

        var result = Checksum.Verify(Salt, "a=1&checksum=x&checksum256=" + sha256, null, "x", sha256);

        Assert.Equal(ChecksumResult.Mismatch, result);
    }

    [Fact]
    public void Request_without_a_checksum_is_missing() =>
        Assert.Equal(ChecksumResult.Missing, Checksum.Verify(Salt, "a=1", null, null, null));

    [Theory]
    [InlineData("")]
    [InlineData("zz")]
    [InlineData("not-a-hash-not-a-hash-not-a-hash-not-a-hash-not-a-hash-not-a-h")]
    [InlineData("0000000000000000000000000000000000000000000000000000000000000000")]
    public void Wrong_or_malformed_checksum256_does_not_match(string checksum) =>
        Assert.Equal(ChecksumResult.Mismatch, Checksum.Verify(Salt, "a=1&checksum256=" + checksum, "b=2", null, checksum));

    [Fact]
    public void Checksum_with_another_salt_does_not_match()
    {
        var checksum = Hex(SHA256.HashData(Encoding.UTF8.GetBytes("a=1other")));

        Assert.Equal(ChecksumResult.Mismatch, Checksum.Verify(Salt, "a=1&checksum256=" + checksum, null, null, checksum));
    }

    [Fact]
    public void Empty_salt_disables_the_check() =>
        Assert.Equal(ChecksumResult.Valid, Checksum.Verify("", "a=1", null, null, null));

    [Theory]
    [InlineData(ChecksumResult.Missing, "Request does not have checksum")]
    [InlineData(ChecksumResult.Mismatch, "Request does not match checksum")]
    [InlineData(ChecksumResult.Valid, null)]
    public void Results_map_to_Countly_messages(ChecksumResult result, string? expected) =>
        Assert.Equal(expected, Checksum.MessageOf(result));

    private static string Hex(byte[] hash) => Convert.ToHexString(hash);
}
