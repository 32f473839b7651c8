using System.Diagnostics;
using System.Text;
using Analytics.Tests.Infrastructure;

namespace Analytics.Tests.Browser;

/// <summary>
/// Runs a Node script of <c>Browser/scripts</c> that drives Debian's headless Chromium through
/// playwright-core (both pinned: node_modules, apt), with a hard timeout after which the
/// script and its browser are killed.
/// </summary>
public static class BrowserScript
{
    /// <summary>Where test output for people to look at goes (git-ignored).</summary>
    public static string ArtifactsDir { get; } = Directory.CreateDirectory(Path.Combine(RepoPaths.Root, "test", "artifacts")).FullName;

    /// <summary>The Chromium binary: <c>CHROMIUM_PATH</c>, else Debian's <c>/usr/bin/chromium</c> (test.sh installs it), else one on PATH.</summary>
    public static string ChromiumPath { get; } = FindChromium();

    /// <summary>Runs <paramref name="script"/>; each stdout line goes to <paramref name="onLine"/>, whose non-null answer is written to the script's stdin.</summary>
    public static async Task<ScriptResult> RunAsync(string script, IEnumerable<string> args, TimeSpan timeout, Func<string, Task<string?>>? onLine = null)
    {
        if (!File.Exists(ChromiumPath))
        {
            throw new InvalidOperationException($"Chromium is not installed at {ChromiumPath}: `apt-get install chromium` (test.sh does it) or set CHROMIUM_PATH.");
        }

        var path = Path.Combine(RepoPaths.Root, "test", "Analytics.Tests", "Browser", "scripts", script);
        if (!File.Exists(Path.Combine(RepoPaths.NodeModules, "playwright-core", "package.json")))
        {
            throw new InvalidOperationException($"playwright-core is not installed; run `npm ci` in {RepoPaths.Root}.");
        }

        var psi = new ProcessStartInfo("node")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = RepoPaths.Root,
        };
        psi.ArgumentList.Add(path);
        foreach (var arg in args)
        {
            psi.ArgumentList.Add(arg);
        }

        psi.Environment["CHROMIUM_PATH"] = ChromiumPath;
        using var process = Process.Start(psi) ?? throw new InvalidOperationException("node did not start");
        var stderr = process.StandardError.ReadToEndAsync();
        var stdout = new StringBuilder();
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            if (onLine is null)
            {
                process.StandardInput.Close();
            }

            while (await process.StandardOutput.ReadLineAsync(cts.Token) is { } line)
            {
                stdout.AppendLine(line);
                if (onLine is not null && await onLine(line) is { } reply)
                {
                    await process.StandardInput.WriteLineAsync(reply);
                    await process.StandardInput.FlushAsync(cts.Token);
                }
            }

            await process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
            throw new TimeoutException($"{script} did not finish within {timeout}:\n{stdout}\n{await stderr}");
        }

        return new ScriptResult(process.ExitCode, stdout.ToString(), await stderr);
    }

    private static string FindChromium()
    {
        if (Environment.GetEnvironmentVariable("CHROMIUM_PATH") is { Length: > 0 } configured)
        {
            return configured;
        }

        const string Debian = "/usr/bin/chromium";
        if (File.Exists(Debian))
        {
            return Debian;
        }

        var onPath = (Environment.GetEnvironmentVariable("PATH") ?? "")
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(dir => Path.Combine(dir, "chromium"))
            .FirstOrDefault(File.Exists);
        return onPath ?? Debian;
    }
}
