namespace Analytics.Tests.Browser;

/// <summary>How a browser script ended: its exit code and what it printed.</summary>
public sealed record ScriptResult(int ExitCode, string Stdout, string Stderr)
{
    /// <summary>Everything printed, for assertion messages.</summary>
    public override string ToString() => $"exit {ExitCode}\n--- stdout\n{Stdout}\n--- stderr\n{Stderr}";
}
