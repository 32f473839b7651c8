using System.Diagnostics;
using System.Text;
using System.Text.Json.Nodes;
using Analytics.Tests.Infrastructure;

namespace Analytics.Tests.Sdk;

/// <summary>
/// Runs a driver script from <c>Sdk/scripts</c> with <c>node</c>: the real SDKs come from the
/// repository's <c>node_modules</c>; arguments are the server URL, the app key, a fresh temporary
/// storage folder and the scenario as JSON. The script exits on its own; a hard timeout kills it.
/// </summary>
public static class NodeScript
{
    /// <summary>The scripts folder in the repository.</summary>
    public static string Folder => Path.Combine(RepoPaths.Root, "test", "Analytics.Tests", "Sdk", "scripts");

    /// <summary>Runs <paramref name="script"/> against <paramref name="server"/> and collects its JSON lines.</summary>
    public static async Task<ScriptRun> RunAsync(string script, Uri server, string appKey, JsonObject scenario, TimeSpan? timeout = null)
    {
        var storage = Path.Combine(Path.GetTempPath(), "analytics-sdk-" + Guid.NewGuid().ToString("N")[..10]);
        Directory.CreateDirectory(storage);
        var psi = new ProcessStartInfo("node")
        {
            WorkingDirectory = Folder,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        psi.ArgumentList.Add(Path.Combine(Folder, script));
        psi.ArgumentList.Add(server.ToString().TrimEnd('/'));
        psi.ArgumentList.Add(appKey);
        psi.ArgumentList.Add(storage);
        psi.ArgumentList.Add(scenario.ToJsonString());
        psi.Environment["NODE_PATH"] = RepoPaths.NodeModules;

        var output = new StringBuilder();
        var errors = new StringBuilder();
        var lines = new List<JsonObject>();
        var timedOut = false;
        int exitCode;
        try
        {
            using var process = Process.Start(psi) ?? throw new InvalidOperationException("node did not start");
            process.OutputDataReceived += (_, e) =>
            {
                if (e.Data is not { Length: > 0 } line)
                {
                    return;
                }

                lock (output)
                {
                    output.AppendLine(line);
                    if (line.StartsWith('{') && JsonNode.Parse(line) is JsonObject json)
                    {
                        lines.Add(json);
                    }
                }
            };
            process.ErrorDataReceived += (_, e) =>
            {
                lock (errors)
                {
                    errors.AppendLine(e.Data);
                }
            };
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(60));
            try
            {
                await process.WaitForExitAsync(cts.Token);
            }
            catch (OperationCanceledException)
            {
                timedOut = true;
                process.Kill(entireProcessTree: true);
                await process.WaitForExitAsync();
            }

            // The parameterless wait also drains the redirected output.
            process.WaitForExit();
            exitCode = process.ExitCode;
        }
        finally
        {
            try
            {
                Directory.Delete(storage, recursive: true);
            }
            catch (IOException)
            {
            }
        }

        lock (output)
        {
            return new ScriptRun(script, exitCode, timedOut, [.. lines], output.ToString(), errors.ToString());
        }
    }
}
