namespace Analytics.Grains.Journal;

/// <summary>The registry of journals: one row per open journal; a row left behind by a dead process marks a journal to replay.</summary>
public static class JournalRegistry
{
    /// <summary>The registry's single partition.</summary>
    public const string Partition = "journals";
}
