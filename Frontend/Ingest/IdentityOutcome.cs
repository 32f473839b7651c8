namespace Analytics.Frontend.Ingest;

/// <summary>What <see cref="SdkIdentity.Validate"/> decided about a request's <c>app_key</c> and <c>device_id</c>.</summary>
public enum IdentityOutcome
{
    /// <summary>Both are usable; look the app up by <see cref="IdentityCheck.AppKey"/>.</summary>
    Ok,

    /// <summary>One of them is missing or falsy: 400 <c>Missing parameter "app_key" or "device_id"</c>.</summary>
    Missing,

    /// <summary>The zero IDFA: Countly 24.x answers 200 <c>Ignoring device_id</c> and stores nothing.</summary>
    IgnoredDevice,

    /// <summary>The device id is an object/array or too long: 400 with a message saying which.</summary>
    InvalidDeviceId,

    /// <summary>The app key cannot name an app (not a string, or too long): 400 <c>App does not exist</c>, without a lookup.</summary>
    UnknownApp,
}
