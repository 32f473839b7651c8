namespace Analytics.Tests.Infrastructure;

/// <summary>Locations in the repository the tests need (node_modules, the built silo).</summary>
public static class RepoPaths
{
    /// <summary>The repository root (the folder holding Analytics.sln).</summary>
    public static string Root { get; } = FindRoot();

    /// <summary>The repository's node_modules folder.</summary>
    public static string NodeModules => Path.Combine(Root, "node_modules");

    private static string FindRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Analytics.sln")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName ?? throw new InvalidOperationException("Analytics.sln not found above " + AppContext.BaseDirectory);
    }
}
