using Orleans.Concurrency;

namespace Analytics.Grains;

/// <summary>Live numbers of one app (key: app id), summed over the silos' reports every second.</summary>
public interface ILiveGrain : IGrainWithStringKey
{
    /// <summary>Takes one silo's report; answers the time of the app's last reset (0: never).</summary>
    Task<long> ReportAsync(LiveReport report);

    /// <summary>Online users now and the maxima.</summary>
    [ReadOnly]
    Task<LiveNow> GetAsync();

    /// <summary>The last 60 minutes, oldest first, zero-filled, ending at the current minute.</summary>
    [ReadOnly]
    Task<LiveMinute[]> GraphAsync();

    /// <summary>Sets the maxima to zero and forgets the history and who is online (Countly's max reset; app reset).</summary>
    Task ResetAsync();
}
