using System.Text.Json;

namespace Analytics.Bench.Load;

/// <summary>The apps of one benchmark run (<c>apps.json</c>).</summary>
public sealed record class AppCatalog(List<AppInfo> Apps)
{
    /// <summary>Reads <paramref name="path"/>.</summary>
    public static AppCatalog Read(string path) =>
        JsonSerializer.Deserialize<AppCatalog>(File.ReadAllText(path), Json.Options) ?? throw new InvalidDataException(path);

    /// <summary>Writes the catalog to <paramref name="path"/>.</summary>
    public void Write(string path) => File.WriteAllText(path, JsonSerializer.Serialize(this, Json.Options));

    /// <summary>The app a device belongs to, by its weight (a draw in [0, 1)).</summary>
    public AppInfo Pick(double draw)
    {
        var total = Apps.Sum(a => a.Weight);
        var x = draw * total;
        foreach (var app in Apps)
        {
            if (x < app.Weight)
            {
                return app;
            }

            x -= app.Weight;
        }

        return Apps[^1];
    }

    /// <summary>The app with key <paramref name="key"/>, or null.</summary>
    public AppInfo? ByKey(string key) => Apps.FirstOrDefault(a => a.Key == key);
}
