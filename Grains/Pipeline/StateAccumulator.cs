namespace Analytics.Grains.Pipeline;

/// <summary>The newest encoded state of each device of one bucket.</summary>
public sealed class StateAccumulator
{
    private readonly Dictionary<string, (long Seq, byte[] State)> _states = new(StringComparer.Ordinal);

    /// <summary>Keeps <paramref name="state"/> if it is newer than what is held for the device.</summary>
    public void Put(string deviceId, long seq, byte[] state)
    {
        if (!_states.TryGetValue(deviceId, out var existing) || existing.Seq < seq)
        {
            _states[deviceId] = (seq, state);
        }
    }

    /// <summary>Adds everything of <paramref name="other"/> (newest wins).</summary>
    public void Merge(StateAccumulator other)
    {
        foreach (var (id, (seq, state)) in other._states)
        {
            Put(id, seq, state);
        }
    }

    /// <summary>The batch message for journal range (<paramref name="from"/>, <paramref name="to"/>].</summary>
    public DeviceStateBatch ToBatch(string journalId, long from, long to) => new()
    {
        JournalId = journalId,
        From = from,
        To = to,
        DeviceIds = [.. _states.Keys],
        Seqs = _states.Values.Select(v => v.Seq).ToArray(),
        States = _states.Values.Select(v => v.State).ToArray(),
    };
}
