namespace Analytics.Frontend.Ingest;

/// <summary>The outcome of <see cref="Checksum.Verify"/>.</summary>
public enum ChecksumResult
{
    /// <summary>The app has no salt, or a candidate payload matched.</summary>
    Valid,

    /// <summary>The app has a salt but the request carries neither <c>checksum</c> nor <c>checksum256</c>.</summary>
    Missing,

    /// <summary>A checksum was sent but matches no candidate payload.</summary>
    Mismatch,
}
