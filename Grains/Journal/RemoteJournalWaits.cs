using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Analytics.Grains.Journal;

/// <summary>
/// A frontend's waits for journal tickets of other processes (docs/write-path.md, "The
/// durability wait"). Per journal, one call to its <see cref="IJournalWatch"/> is outstanding
/// while anything waits: it asks for the oldest waiting ticket and returns with the journal's
/// newest durable ticket, which releases every waiter at or below it (tickets become durable in
/// order). So the cost is about one call per journal segment, not one per request.
/// A failed call releases its journal's waiters with false (their requests are answered 503
/// and re-sent, never acknowledged unwritten); the next waiter starts a new call. A call with
/// no answer by <see cref="AskDeadlineMs"/> (its message was lost with a gateway that died) is
/// given up and asked again: one lost message must not hold every waiter of a journal until
/// Orleans' response timeout.
/// </summary>
public sealed partial class RemoteJournalWaits(ILogger<RemoteJournalWaits> logger)
{
    /// <summary>How long one call to a watch may wait before it returns to be asked again.</summary>
    public const int PollMs = 2_000;

    /// <summary>How long a call may go unanswered before it is given up and asked again.</summary>
    public const int AskDeadlineMs = PollMs + 1_000;

    private readonly ConcurrentDictionary<string, Watch> _watches = new(StringComparer.Ordinal);
    private readonly ILogger _logger = logger;

    /// <summary>
    /// Completes with true once ticket <paramref name="ticket"/> of journal
    /// <paramref name="journalId"/> is durable, with false if the wait failed or took longer
    /// than <paramref name="timeout"/> (the record stays in its journal either way).
    /// </summary>
    public async Task<bool> WaitAsync(string journalId, IJournalWatch watch, long ticket, TimeSpan timeout)
    {
        var wait = _watches.GetOrAdd(journalId, static (id, state) => new Watch(id, state.watch, state.self), (watch, self: this)).WaitAsync(ticket);
        if (wait.IsCompleted)
        {
            return wait.Result;
        }

        try
        {
            return await wait.WaitAsync(timeout).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            return false;
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Waiting for journal {JournalId} failed; {Waiters} request(s) answered 503")]
    private static partial void LogWatchFailed(ILogger logger, Exception exception, string journalId, int waiters);

    private sealed class Watch(string journalId, IJournalWatch watch, RemoteJournalWaits owner)
    {
        private static readonly Task<bool> Durable = Task.FromResult(true);
        private readonly Lock _gate = new();
        private readonly PriorityQueue<TaskCompletionSource<bool>, long> _waiters = new();
        private long _durable;
        private bool _asking;

        public Task<bool> WaitAsync(long ticket)
        {
            lock (_gate)
            {
                if (ticket <= _durable)
                {
                    return Durable;
                }

                var waiter = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
                _waiters.Enqueue(waiter, ticket);
                if (!_asking)
                {
                    _asking = true;
                    _ = AskAsync();
                }

                return waiter.Task;
            }
        }

        private async Task AskAsync()
        {
            while (true)
            {
                long oldest;
                lock (_gate)
                {
                    if (!_waiters.TryPeek(out _, out oldest))
                    {
                        _asking = false;
                        return;
                    }
                }

                long durable;
                Exception? failure = null;
                try
                {
                    durable = await watch.DurableTicketAsync(journalId, oldest, PollMs).WaitAsync(TimeSpan.FromMilliseconds(AskDeadlineMs)).ConfigureAwait(false);
                }
                catch (TimeoutException)
                {
                    continue;
                }
                catch (Exception e)
                {
                    (durable, failure) = (-1, e);
                }

                lock (_gate)
                {
                    if (durable < 0)
                    {
                        // The journal's silo cannot be reached (or does not have that journal):
                        // nothing waiting can be confirmed. These requests are answered 503 (the
                        // SDK re-sends them; a duplicate is recognised), and the next waiter on
                        // this journal asks anew.
                        var count = _waiters.Count;
                        while (_waiters.TryDequeue(out var waiter, out _))
                        {
                            waiter.TrySetResult(false);
                        }

                        _asking = false;
                        owner._watches.TryRemove(new KeyValuePair<string, Watch>(journalId, this));
                        LogWatchFailed(owner._logger, failure ?? new InvalidOperationException("journal not hosted by the watch's silo"), journalId, count);
                        return;
                    }

                    _durable = Math.Max(_durable, durable);
                    while (_waiters.TryPeek(out var waiter, out var ticket) && ticket <= _durable)
                    {
                        _waiters.Dequeue();
                        waiter.TrySetResult(true);
                    }
                }
            }
        }
    }
}
