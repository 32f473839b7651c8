using System.Text.Json;

namespace Analytics.Bench.Load;

/// <summary>The JSON settings of every file the tool reads and writes.</summary>
public static class Json
{
    /// <summary>camelCase, indented, numbers as numbers.</summary>
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web) { WriteIndented = true };
}
