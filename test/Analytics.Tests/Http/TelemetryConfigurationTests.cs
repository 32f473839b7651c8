using Analytics.Frontend;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Trace;

namespace Analytics.Tests.Http;

/// <summary>
/// <c>Analytics:Telemetry:TraceSampleRatio</c> as deploy/configuration.md documents it: a number
/// from 0 to 1, else the default 0.01, never a failed start.
/// </summary>
public sealed class TelemetryConfigurationTests
{
    [Theory]
    [InlineData(null, 0.01)]
    [InlineData("", 0.01)]
    [InlineData("often", 0.01)]
    [InlineData("0", 0.0)]
    [InlineData("0.25", 0.25)]
    [InlineData("1", 1.0)]
    [InlineData("10", 0.01)]
    [InlineData("-0.5", 0.01)]
    [InlineData("NaN", 0.01)]
    [InlineData("Infinity", 0.01)]
    public void Trace_sample_ratio_is_a_number_from_0_to_1_or_the_default(string? value, double expected)
    {
        Assert.Equal(expected, Telemetry.TraceSampleRatio(Configuration(value)));
    }

    [Theory]
    [InlineData("10")]
    [InlineData("-1")]
    [InlineData("NaN")]
    public void An_out_of_range_ratio_does_not_stop_the_tracer_from_being_built(string value)
    {
        var services = new ServiceCollection();
        services.AddAnalyticsTelemetry(Configuration(value), "analytics-test");
        using var provider = services.BuildServiceProvider();

        Assert.NotNull(provider.GetRequiredService<TracerProvider>());
    }

    private static IConfiguration Configuration(string? ratio) =>
        new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            // Tracing (and so the sampler) exists only with an OTLP endpoint; nothing is sent in these tests.
            ["OTEL_EXPORTER_OTLP_ENDPOINT"] = "http://127.0.0.1:4317",
            ["Analytics:Telemetry:TraceSampleRatio"] = ratio,
        }).Build();
}
