using System.Text.Json.Nodes;

namespace Analytics.Tests.Sdk;

/// <summary>What one driver script printed (JSON lines) and how it ended.</summary>
public sealed class ScriptRun(string script, int exitCode, bool timedOut, IReadOnlyList<JsonObject> lines, string output, string errors)
{
    /// <summary>The script's file name.</summary>
    public string Script { get; } = script;

    /// <summary>The process exit code.</summary>
    public int ExitCode { get; } = exitCode;

    /// <summary>Whether the C# hard timeout killed the script.</summary>
    public bool TimedOut { get; } = timedOut;

    /// <summary>Every JSON line the script printed.</summary>
    public IReadOnlyList<JsonObject> Lines { get; } = lines;

    /// <summary>The SDK's exchanges with the server, in the order they finished.</summary>
    public IReadOnlyList<SdkExchange> Exchanges => [.. OfType("exchange").Select(SdkExchange.From)];

    /// <summary>Lines of one <c>type</c>.</summary>
    public IEnumerable<JsonObject> OfType(string type) => Lines.Where(l => l["type"]?.GetValue<string>() == type);

    /// <summary>Fails unless the script exited 0 after its <c>done</c> line.</summary>
    public void AssertFinished()
    {
        var done = OfType("done").Any();
        Assert.True(!TimedOut && ExitCode == 0 && done, $"{Script}: exit {ExitCode}, timed out {TimedOut}, done {done}\nstdout:\n{output}\nstderr:\n{errors}");
    }

    /// <inheritdoc />
    public override string ToString() => $"{Script} (exit {ExitCode}):\n{output}\n{errors}";
}
