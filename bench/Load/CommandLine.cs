using System.Globalization;

namespace Analytics.Bench.Load;

/// <summary><c>--name value</c> options of one sub-command; every option must be read once, so typos fail.</summary>
public sealed class CommandLine
{
    private readonly Dictionary<string, List<string>> _values = new(StringComparer.Ordinal);

    /// <summary>Parses <paramref name="args"/> (after the sub-command name).</summary>
    public CommandLine(IEnumerable<string> args)
    {
        string? name = null;
        foreach (var a in args)
        {
            if (a.StartsWith("--", StringComparison.Ordinal))
            {
                if (name is not null)
                {
                    Add(name, "true");
                }

                name = a[2..];
                var eq = name.IndexOf('=', StringComparison.Ordinal);
                if (eq > 0)
                {
                    Add(name[..eq], name[(eq + 1)..]);
                    name = null;
                }
            }
            else if (name is not null)
            {
                Add(name, a);
                name = null;
            }
            else
            {
                throw new ArgumentException($"unexpected argument '{a}'");
            }
        }

        if (name is not null)
        {
            Add(name, "true");
        }
    }

    /// <summary>A required string option.</summary>
    public string Required(string name) => Optional(name) ?? throw new ArgumentException($"--{name} is required");

    /// <summary>An optional string option (the last one when repeated).</summary>
    public string? Optional(string name)
    {
        if (!_values.Remove(name, out var list))
        {
            return null;
        }

        return list[^1];
    }

    /// <summary>Every value of a repeatable option.</summary>
    public IReadOnlyList<string> All(string name) => _values.Remove(name, out var list) ? list : [];

    /// <summary>An integer option.</summary>
    public int Int(string name, int fallback) => Optional(name) is { } v ? int.Parse(v, CultureInfo.InvariantCulture) : fallback;

    /// <summary>A floating-point option.</summary>
    public double Double(string name, double fallback) => Optional(name) is { } v ? double.Parse(v, CultureInfo.InvariantCulture) : fallback;

    /// <summary>Fails when an option was given that the command did not read.</summary>
    public void EnsureAllRead()
    {
        if (_values.Count > 0)
        {
            throw new ArgumentException("unknown option(s): " + string.Join(", ", _values.Keys.Select(k => "--" + k)));
        }
    }

    private void Add(string name, string value)
    {
        if (!_values.TryGetValue(name, out var list))
        {
            _values[name] = list = [];
        }

        list.Add(value);
    }
}
