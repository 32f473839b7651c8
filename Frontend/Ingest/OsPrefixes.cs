using System.Collections.Frozen;

namespace Analytics.Frontend.Ingest;

/// <summary>
/// Countly's <c>common.os_mapping</c>: the prefix that marks an OS version (and density) with
/// its platform, so that "Android 10" and "iOS 10" stay different values (<c>a10</c>, <c>i10</c>).
/// Keys are lower-case OS names.
/// </summary>
public static class OsPrefixes
{
    private static readonly FrozenDictionary<string, string> Map = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["webos"] = "webos",
        ["brew"] = "brew",
        ["unknown"] = "unk",
        ["undefined"] = "unk",
        ["tvos"] = "atv",
        ["apple tv"] = "atv",
        ["watchos"] = "wos",
        ["unity editor"] = "uty",
        ["qnx"] = "qnx",
        ["os/2"] = "os2",
        ["amazon fire tv"] = "aft",
        ["amazon"] = "amz",
        ["web"] = "web",
        ["windows"] = "mw",
        ["open bsd"] = "ob",
        ["searchbot"] = "sb",
        ["sun os"] = "so",
        ["solaris"] = "so",
        ["beos"] = "bo",
        ["mac osx"] = "o",
        ["macos"] = "o",
        ["mac"] = "o",
        ["osx"] = "o",
        ["linux"] = "l",
        ["unix"] = "u",
        ["ios"] = "i",
        ["android"] = "a",
        ["blackberry"] = "b",
        ["windows phone"] = "w",
        ["wp"] = "w",
        ["roku"] = "r",
        ["symbian"] = "s",
        ["chrome"] = "c",
        ["debian"] = "d",
        ["nokia"] = "n",
        ["firefox"] = "f",
        ["tizen"] = "t",
        ["arch"] = "l",
    }.ToFrozenDictionary(StringComparer.Ordinal);

    /// <summary>The prefix of OS <paramref name="os"/> (looked up lower-cased, as Countly does), or null when the OS is not in the map.</summary>
    public static string? Of(string os) => Map.TryGetValue(os.ToLowerInvariant(), out var prefix) ? prefix : null;
}
