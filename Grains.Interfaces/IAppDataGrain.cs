namespace Analytics.Grains;

/// <summary>Whole-app data operations (key: app id).</summary>
public interface IAppDataGrain : IGrainWithStringKey
{
    /// <summary>Deletes every counter, device state and event registry entry of the app (Countly's app reset/delete).</summary>
    Task EraseAsync();
}
