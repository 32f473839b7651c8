using System.Security.Cryptography;
using System.Text;

namespace Analytics.Grains.Accounts;

/// <summary>Identifiers, keys and hashes of apps and members, as Countly shapes them.</summary>
public static class AccountRules
{
    private static int _counter = RandomNumberGenerator.GetInt32(0, 0xFFFFFF);

    /// <summary>A new 24-hex Mongo-style ObjectId (time, random, counter).</summary>
    public static string NewObjectId()
    {
        Span<byte> bytes = stackalloc byte[12];
        var seconds = (uint)DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        bytes[0] = (byte)(seconds >> 24);
        bytes[1] = (byte)(seconds >> 16);
        bytes[2] = (byte)(seconds >> 8);
        bytes[3] = (byte)seconds;
        RandomNumberGenerator.Fill(bytes.Slice(4, 5));
        var c = Interlocked.Increment(ref _counter);
        bytes[9] = (byte)(c >> 16);
        bytes[10] = (byte)(c >> 8);
        bytes[11] = (byte)c;
        return Convert.ToHexStringLower(bytes);
    }

    /// <summary>A new app key: 40 hex (sha1 of random bytes), as Countly makes them.</summary>
    public static string NewAppKey() => Convert.ToHexStringLower(SHA1.HashData(RandomNumberGenerator.GetBytes(32)));

    /// <summary>A new api key: 32 hex, as Countly makes them.</summary>
    public static string NewApiKey() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));

    /// <summary>The stored form of an api key.</summary>
    public static string HashApiKey(string apiKey) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(apiKey)));

    /// <summary>A salted PBKDF2 hash of a password.</summary>
    public static string HashPassword(string password)
    {
        var salt = RandomNumberGenerator.GetBytes(16);
        var hash = Rfc2898DeriveBytes.Pbkdf2(password, salt, 100_000, HashAlgorithmName.SHA256, 32);
        return $"pbkdf2$100000${Convert.ToBase64String(salt)}${Convert.ToBase64String(hash)}";
    }

    /// <summary>Whether <paramref name="value"/> is a 24-hex id.</summary>
    public static bool IsObjectId(string? value) => value is { Length: 24 } && value.All(Uri.IsHexDigit);
}
