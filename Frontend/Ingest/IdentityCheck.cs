namespace Analytics.Frontend.Ingest;

/// <summary>The result of <see cref="SdkIdentity.Validate"/>.</summary>
/// <param name="Outcome">What was decided.</param>
/// <param name="StatusCode">The HTTP status to answer with when <paramref name="Outcome"/> is not <see cref="IdentityOutcome.Ok"/> (200 for the ignored device, else 400).</param>
/// <param name="Message">The <c>result</c> message to answer with; null when <see cref="IdentityOutcome.Ok"/>.</param>
/// <param name="AppKey">The app key (a string of 1–64 chars) when <see cref="IdentityOutcome.Ok"/>.</param>
/// <param name="DeviceId">The device id after <c>String(x)</c> coercion (1–200 chars) when <see cref="IdentityOutcome.Ok"/>.</param>
public readonly record struct IdentityCheck(IdentityOutcome Outcome, int StatusCode, string? Message, string? AppKey, string? DeviceId)
{
    /// <summary>Whether the request may proceed to the app lookup.</summary>
    public bool IsOk => Outcome == IdentityOutcome.Ok;
}
