namespace Analytics.Bench.Load;

/// <summary>
/// <c>finish</c>: after wrk stopped, sends once more each connection's request that was in
/// flight (sent, answer not read). The server either applied it, and recognises the resend
/// as a duplicate by its unchanged timestamp, or not, and applies it now; afterwards exactly
/// the first <see cref="ConnectionProgress.Cursor"/> lines of every connection are applied.
/// </summary>
public static class FinishCommand
{
    /// <summary>Runs the command.</summary>
    public static async Task<int> RunAsync(CommandLine cl)
    {
        var url = cl.Required("url").TrimEnd('/');
        var lines = cl.Required("lines");
        var resultPath = cl.Required("result");
        var maxAttempts = cl.Int("max-attempts", 100);
        cl.EnsureAllRead();

        var result = RoundResult.Read(resultPath);
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(60) };
        var failed = 0;
        for (var c = 0; c < result.Connections.Count; c++)
        {
            var progress = result.Connections[c];
            if (!progress.Inflight || progress.Exhausted)
            {
                continue;
            }

            var line = File.ReadLines(Path.Combine(lines, GenCommand.FileName(c))).Skip(checked((int)progress.Cursor)).First();
            var done = false;
            for (var attempt = 0; attempt < maxAttempts && !done; attempt++)
            {
                try
                {
                    using var response = await http.GetAsync(string.Concat(url, line.AsSpan(2)));
                    done = (int)response.StatusCode is >= 200 and < 500;
                }
                catch (HttpRequestException)
                {
                }

                if (!done)
                {
                    await Task.Delay(100);
                }
            }

            if (!done)
            {
                failed++;
                continue;
            }

            progress.Cursor++;
            progress.Inflight = false;
            result.Finished++;
        }

        result.Write(resultPath);
        Console.WriteLine($"finish: re-sent {result.Finished} in-flight request(s){(failed > 0 ? $", {failed} FAILED" : "")}");
        return failed == 0 ? 0 : 1;
    }
}
