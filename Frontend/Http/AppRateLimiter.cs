using System.Collections.Concurrent;
using Microsoft.Extensions.Options;

namespace Analytics.Frontend.Http;

/// <summary>
/// Optional per-app-key request limit for the write API (<see cref="FrontendOptions.RateLimitPerAppKey"/>):
/// a token bucket per app key holding one second of requests. Only keys of existing apps get a
/// bucket, so invented keys cannot grow the table.
/// </summary>
public sealed class AppRateLimiter(IOptions<FrontendOptions> options)
{
    private readonly int _perSecond = Math.Max(0, options.Value.RateLimitPerAppKey);
    private readonly ConcurrentDictionary<string, Bucket> _buckets = new(StringComparer.Ordinal);

    /// <summary>Whether a limit is configured.</summary>
    public bool IsEnabled => _perSecond > 0;

    /// <summary>Takes <paramref name="count"/> requests from the app's budget; false when it is exhausted.</summary>
    public bool TryTake(string appKey, int count = 1) => Take(appKey, count, atLeast: count);

    /// <summary>
    /// Charges a whole <c>/i/bulk</c> of <paramref name="count"/> items to the app's budget: refused
    /// only when nothing is left; otherwise accepted entirely, the budget going into debt that
    /// later requests repay. A bulk is never cut in part (its items would be lost, or resent
    /// forever), and its resend cannot starve behind its own already-applied items.
    /// </summary>
    public bool TryCharge(string appKey, int count) => Take(appKey, count, atLeast: 1);

    /// <summary>Gives back <paramref name="count"/> requests charged to a bulk that was refused after all (another app's budget was empty).</summary>
    public void Refund(string appKey, int count)
    {
        if (IsEnabled && _buckets.TryGetValue(appKey, out var bucket))
        {
            lock (bucket)
            {
                bucket.Tokens = Math.Min(_perSecond, bucket.Tokens + count);
            }
        }
    }

    /// <summary>Refills the app's bucket; takes <paramref name="count"/> when it holds at least <paramref name="atLeast"/>.</summary>
    private bool Take(string appKey, int count, double atLeast)
    {
        if (!IsEnabled)
        {
            return true;
        }

        var bucket = _buckets.GetOrAdd(appKey, _ => new Bucket(_perSecond));
        lock (bucket)
        {
            var now = Environment.TickCount64;
            bucket.Tokens = Math.Min(_perSecond, bucket.Tokens + ((now - bucket.Last) * _perSecond / 1000.0));
            bucket.Last = now;
            if (bucket.Tokens < atLeast)
            {
                return false;
            }

            bucket.Tokens -= count;
            return true;
        }
    }

    private sealed class Bucket(double tokens)
    {
        public double Tokens { get; set; } = tokens;
        public long Last { get; set; } = Environment.TickCount64;
    }
}
