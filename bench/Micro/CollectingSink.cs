using Analytics.Grains.Domain;

namespace Analytics.Bench.Micro;

/// <summary>An <see cref="ICounterSink"/> that keeps every increment, as the device grain hands them on.</summary>
public sealed class CollectingSink : ICounterSink
{
    /// <summary>Counter increments since the last <see cref="Clear"/>.</summary>
    public List<(string Collection, int Year, string Doc, string Path, decimal Value)> Added { get; } = new(256);

    /// <summary>Meta-set additions since the last <see cref="Clear"/>.</summary>
    public List<(string Collection, int Year, string Set, string Value)> Metas { get; } = new(64);

    /// <inheritdoc />
    public void Add(string collection, int year, string doc, string path, decimal value) => Added.Add((collection, year, doc, path, value));

    /// <inheritdoc />
    public void Meta(string collection, int year, string set, string value) => Metas.Add((collection, year, set, value));

    /// <summary>Forgets everything collected.</summary>
    public void Clear()
    {
        Added.Clear();
        Metas.Clear();
    }
}
