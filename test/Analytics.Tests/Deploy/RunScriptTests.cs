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

    /// <summary><c>${NAME:-default}</c> and <c>${NAME:-}</c>: a variable the script reads from its environment.</summary>
    [GeneratedRegex(@"\$\{([A-Za-z_][A-Za-z0-9_]*):-")]
    private static partial Regex EnvironmentDefault();
}
