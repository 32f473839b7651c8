using System.Text.Json;

namespace Analytics.Frontend.Ingest;

/// <summary>
/// The first checks of an <c>/i</c> request (spec §1.2 steps 1–3, before the app lookup):
/// <c>app_key</c> and <c>device_id</c> present, the zero IDFA ignored, and both bounded
/// before they become grain keys.
/// </summary>
public static class SdkIdentity
{
    /// <summary>
    /// Longest accepted <c>app_key</c>. Countly's keys are 40 hex chars; custom keys may be set
    /// at app creation, which accepts at most this many, so a longer key names no app.
    /// </summary>
    public const int MaxAppKeyLength = 64;

    /// <summary>
    /// Longest accepted <c>device_id</c>. Countly has no limit; SDK-generated ids are UUIDs
    /// (36 chars) and custom ids are user ids or emails, so 200 leaves room while bounding
    /// the device grain key.
    /// </summary>
    public const int MaxDeviceIdLength = 200;

    /// <summary>The all-zero advertising id iOS reports when tracking is limited; Countly ignores it.</summary>
    public const string ZeroIdfa = "00000000-0000-0000-0000-000000000000";

    /// <summary>Countly's message for a missing key or device id.</summary>
    public const string MissingMessage = "Missing parameter \"app_key\" or \"device_id\"";

    /// <summary>Countly 24.x's message (HTTP 200) for the zero IDFA.</summary>
    public const string IgnoredDeviceMessage = "Ignoring device_id";

    /// <summary>Countly's message for an unknown app key.</summary>
    public const string UnknownAppMessage = "App does not exist";

    /// <summary>Our message for an object or array <c>device_id</c>.</summary>
    public const string InvalidDeviceIdMessage = "Invalid parameter \"device_id\"";

    /// <summary>Our message for an over-long <c>device_id</c>.</summary>
    public static readonly string DeviceIdTooLongMessage = $"Parameter \"device_id\" is longer than {MaxDeviceIdLength} characters";

    /// <summary>
    /// The device to merge into <paramref name="deviceId"/>: <c>old_device_id</c> when it is a
    /// usable device id (a string or number within <see cref="MaxDeviceIdLength"/>, not the zero
    /// IDFA) other than <paramref name="deviceId"/> (Countly: <c>old_device_id &amp;&amp;
    /// old_device_id !== device_id</c>); null otherwise, and the request is processed as if it
    /// had none.
    /// </summary>
    public static string? MergeFrom(ParamBag bag, string deviceId)
    {
        if (!bag.IsTruthy("old_device_id") || bag.KindOf("old_device_id") is not (JsonValueKind.String or JsonValueKind.Number))
        {
            return null;
        }

        var old = bag.GetString("old_device_id");
        return string.IsNullOrEmpty(old) || old.Length > MaxDeviceIdLength || old == ZeroIdfa || string.Equals(old, deviceId, StringComparison.Ordinal) ? null : old;
    }

    /// <summary>
    /// Applies the checks in Countly's order: missing/falsy (<c>!app_key || !device_id</c>),
    /// zero IDFA, then ours: a <c>device_id</c> that is an object or array (Countly would
    /// coerce it to <c>"[object Object]"</c> and merge every such device) or longer than
    /// <see cref="MaxDeviceIdLength"/>; an <c>app_key</c> that is not a string or number
    /// (objects, arrays, bracketed names, booleans) or longer than <see cref="MaxAppKeyLength"/>
    /// is <c>App does not exist</c>, which is what Countly answers after its lookup fails.
    /// </summary>
    public static IdentityCheck Validate(ParamBag bag)
    {
        if (!bag.IsTruthy("app_key") || !bag.IsTruthy("device_id"))
        {
            return new(IdentityOutcome.Missing, 400, MissingMessage, null, null);
        }

        var deviceId = bag.GetString("device_id");
        if (deviceId == ZeroIdfa)
        {
            return new(IdentityOutcome.IgnoredDevice, 200, IgnoredDeviceMessage, null, null);
        }

        if (bag.KindOf("device_id") is JsonValueKind.Object or JsonValueKind.Array || string.IsNullOrEmpty(deviceId))
        {
            return new(IdentityOutcome.InvalidDeviceId, 400, InvalidDeviceIdMessage, null, null);
        }

        if (deviceId.Length > MaxDeviceIdLength)
        {
            return new(IdentityOutcome.InvalidDeviceId, 400, DeviceIdTooLongMessage, null, null);
        }

        var appKey = bag.GetString("app_key");
        if (bag.KindOf("app_key") is not (JsonValueKind.String or JsonValueKind.Number)
            || string.IsNullOrEmpty(appKey) || appKey.Length > MaxAppKeyLength)
        {
            return new(IdentityOutcome.UnknownApp, 400, UnknownAppMessage, null, null);
        }

        return new(IdentityOutcome.Ok, 200, null, appKey, deviceId);
    }
}
