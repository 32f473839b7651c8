using System.Diagnostics;
using System.Text.RegularExpressions;
using Analytics.Tests.Infrastructure;

namespace Analytics.Tests.Deploy;

/// <summary><c>./run.sh --help</c> tells what the script reads (DESIGN.md, "Contracts other tools rely on").</summary>
public sealed partial class RunScriptTests
{
    [Fact]
    public async Task Help_names_every_option_and_every_environment_variable_the_script_reads()
    {
        var script = File.ReadAllText(Path.Combine(RepoPaths.Root, "run.sh"));
        var read = EnvironmentDefault().Matches(script).Select(m => m.Groups[1].Value).ToHashSet(StringComparer.Ordinal);
        Assert.Contains("ANALYTICS_DATA_DIR", read);
        Assert.Contains("Analytics__Storage__ConnectionString", read);

        var start = new ProcessStartInfo("bash", ["run.sh", "--help"])
        {
            WorkingDirectory = RepoPaths.Root,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var process = Process.Start(start)!;
        var output = await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();

        Assert.Equal(0, process.ExitCode);
        foreach (var option in new[] { "--urls", "--silos", "--frontends" })
        {
            Assert.Contains(option, output, StringComparison.Ordinal);
        }

        foreach (var name in read)
        {
            Assert.True(output.Contains(name, StringComparison.Ordinal), $"run.sh --help does not name {name}, which the script reads:\n{output}");
        }

        Assert.DoesNotContain("set -euo", output, StringComparison.Ordinal);
    }

    /// <summary>
    /// <c>--silos=N</c> and <c>--frontends=N</c> are read like <c>--urls=URL</c> (they were passed to
    /// the silo as unknown arguments and one silo ran), and a count that is not one is refused
    /// before anything starts.
    /// </summary>
    [Theory]
    [InlineData("--silos=0")]
    [InlineData("--silos=two")]
    [InlineData("--frontends=-1")]
    [InlineData("--silos")]
    [InlineData("--silos=08")]
    public async Task A_cluster_size_that_is_not_a_count_is_refused_before_anything_starts(string argument)
    {
        var data = Directory.CreateTempSubdirectory("runsh-").FullName;
        var start = new ProcessStartInfo("bash", ["run.sh", argument])
        {
            WorkingDirectory = RepoPaths.Root,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            Environment = { ["ANALYTICS_DATA_DIR"] = data, ["ASPNETCORE_URLS"] = $"http://127.0.0.1:{FreePort.Next()}" },
        };
        using var process = Process.Start(start)!;
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"run.sh {argument} did not stop at once: it went on to start the server");
        }
        finally
        {
            Directory.Delete(data, recursive: true);
        }

        Assert.Equal(2, process.ExitCode);
        Assert.Contains("--silos takes a number from 1", await error, StringComparison.Ordinal);
    }

    /// <summary><c>${NAME:-default}</c> and <c>${NAME:-}</c>: a variable the script reads from its environment.</summary>
    [GeneratedRegex(@"\$\{([A-Za-z_][A-Za-z0-9_]*):-")]
    private static partial Regex EnvironmentDefault();
}
