namespace Analytics.Grains;

/// <summary>What became of one ingested request.</summary>
public enum IngestResult
{
    /// <summary>Applied and durable.</summary>
    Success = 0,
    /// <summary>A resend of a request already applied; nothing changed.</summary>
    Duplicate = 1,
    /// <summary>Not applied: the journal's buffer is full (storage slow or down); the client should retry.</summary>
    Overloaded = 2,
    /// <summary>Applied in memory but not yet durable within the wait limit; it will be written, and a retry is recognised as a duplicate.</summary>
    Pending = 3,
}
