using Analytics.Frontend.Ingest;
using BenchmarkDotNet.Attributes;

namespace Analytics.Bench.Micro;

/// <summary>Request parsing of the /i path: the parameter bag of a realistic SDK query, then metric and event normalisation.</summary>
[MemoryDiagnoser]
public class ParsingBenchmarks
{
    private ParamBag _begin = null!;
    private ParamBag _events = null!;

    /// <summary>Parses the two requests once for the normaliser benchmarks.</summary>
    [GlobalSetup]
    public void Setup()
    {
        _begin = ParamBag.FromQuery(SdkRequests.Begin, RequestLimits.Default).Bag!;
        _events = ParamBag.FromQuery(SdkRequests.Events, RequestLimits.Default).Bag!;
    }

    /// <summary>The bag of a begin_session with metrics (≈ 400 characters).</summary>
    [Benchmark]
    public ParamBag? ParamBag_begin() => ParamBag.FromQuery(SdkRequests.Begin, RequestLimits.Default).Bag;

    /// <summary>The bag of a three-event batch (≈ 900 characters).</summary>
    [Benchmark]
    public ParamBag? ParamBag_events() => ParamBag.FromQuery(SdkRequests.Events, RequestLimits.Default).Bag;

    /// <summary>Metric normalisation (parses the <c>metrics</c> JSON).</summary>
    [Benchmark]
    public Analytics.Grains.Metrics? MetricNormalizer_begin() => MetricNormalizer.Normalize(_begin);

    /// <summary>Event normalisation (parses the <c>events</c> JSON).</summary>
    [Benchmark]
    public int EventNormalizer_three_events() => EventNormalizer.Normalize(_events, SdkRequests.Timestamp, SdkRequests.Timestamp + 60_000).Count;

    /// <summary>The duplicate-suppression fingerprint of the event request.</summary>
    [Benchmark]
    public ulong Fingerprint_events() => Fingerprint.Of(_events);
}
