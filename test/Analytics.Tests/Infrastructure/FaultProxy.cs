using System.Net;
using System.Net.Sockets;

namespace Analytics.Tests.Infrastructure;

/// <summary>
/// A TCP proxy in front of Azurite that can be broken (every connection is cut and new ones
/// are refused) and healed, to simulate a storage outage.
/// </summary>
public sealed class FaultProxy : IAsyncDisposable
{
    private readonly TcpListener _listener;
    private readonly int _target;
    private readonly CancellationTokenSource _stop = new();
    private readonly List<TcpClient> _open = [];
    private volatile bool _broken;

    /// <summary>Starts forwarding 127.0.0.1:<see cref="Port"/> to 127.0.0.1:<paramref name="targetPort"/>.</summary>
    public FaultProxy(int targetPort)
    {
        _target = targetPort;
        _listener = new TcpListener(IPAddress.Loopback, 0);
        _listener.Start();
        Port = ((IPEndPoint)_listener.LocalEndpoint).Port;
        _ = AcceptLoopAsync();
    }

    /// <summary>The proxy's port.</summary>
    public int Port { get; }

    /// <summary>Cuts every connection and refuses new ones until <see cref="Heal"/>.</summary>
    public void Break()
    {
        _broken = true;
        lock (_open)
        {
            foreach (var c in _open)
            {
                c.Dispose();
            }

            _open.Clear();
        }
    }

    /// <summary>Forwards again.</summary>
    public void Heal() => _broken = false;

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        Break();
    }

    private async Task AcceptLoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync(_stop.Token);
            }
            catch (Exception)
            {
                return;
            }

            if (_broken)
            {
                client.Dispose();
                continue;
            }

            _ = PipeAsync(client);
        }
    }

    private async Task PipeAsync(TcpClient client)
    {
        using var upstream = new TcpClient();
        try
        {
            await upstream.ConnectAsync(IPAddress.Loopback, _target);
            lock (_open)
            {
                // Accepted just before a Break that ran while this connected: Break could not cut
                // it (not in _open yet), so it must not start forwarding now. Break sets _broken
                // before it takes this lock, so one of the two always sees the other.
                if (_broken)
                {
                    return;
                }

                _open.Add(client);
                _open.Add(upstream);
            }

            using var cts = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token);
            var a = client.GetStream().CopyToAsync(upstream.GetStream(), cts.Token);
            var b = upstream.GetStream().CopyToAsync(client.GetStream(), cts.Token);
            await Task.WhenAny(a, b);
            await cts.CancelAsync();
        }
        catch (Exception)
        {
        }
        finally
        {
            lock (_open)
            {
                _open.Remove(client);
                _open.Remove(upstream);
            }

            client.Dispose();
        }
    }
}
