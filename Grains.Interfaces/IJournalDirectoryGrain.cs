namespace Analytics.Grains;

/// <summary>
/// The cluster's view of journals (key 0): replays the journals of silos that died, once,
/// and lets callers wait until a given journal's data has reached its targets.
/// </summary>
public interface IJournalDirectoryGrain : IGrainWithIntegerKey
{
    /// <summary>Replays every journal whose silo is dead (<paramref name="journalId"/> null), or just that one if its silo is dead.</summary>
    Task EnsureReplayedAsync(string? journalId);
}
