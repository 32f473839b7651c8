namespace Analytics.Bench.Load;

/// <summary>One app of the benchmark: its id and key on the server and its share of the devices.</summary>
public sealed record class AppInfo(string Name, string Id, string Key, string Timezone, double Weight);
