using System.Net;
using System.Net.Sockets;

namespace Platform.Testing;

/// <summary>
/// A TCP relay on 127.0.0.1 in front of the run's PostgreSQL or RabbitMQ, so that one test can cut
/// one app off its database or broker (connections reset, new ones refused) and restore it, without
/// stopping the server every other test process shares.
/// </summary>
public sealed class TcpRelay : IAsyncDisposable
{
    private readonly IPEndPoint _target;
    private readonly Lock _gate = new();
    private readonly List<TcpClient> _open = [];
    private TcpListener? _listener;
    private CancellationTokenSource? _stop;

    private TcpRelay(IPEndPoint target, int port)
    {
        _target = target;
        Port = port;
    }

    public int Port { get; }

    /// <summary>Starts relaying to <paramref name="targetPort"/> on 127.0.0.1, from a free port.</summary>
    public static TcpRelay Start(int targetPort)
    {
        var relay = new TcpRelay(new IPEndPoint(IPAddress.Loopback, targetPort), Platform.Testing.TestEnvironment.FreePort());
        relay.Resume();
        return relay;
    }

    /// <summary>Cuts the link: resets every relayed connection and refuses new ones.</summary>
    public void Cut()
    {
        lock (_gate)
        {
            _stop?.Cancel();
            _listener?.Stop();
            _listener = null;
            foreach (var client in _open)
            {
                try
                {
                    if (client.Client is { } socket)
                    {
                        socket.LingerState = new LingerOption(true, 0); // RST, as a dead server
                    }
                }
                catch (Exception ex) when (ex is ObjectDisposedException or SocketException)
                {
                    // Already closed.
                }

                client.Dispose();
            }

            _open.Clear();
        }
    }

    /// <summary>Accepts connections again.</summary>
    public void Resume()
    {
        lock (_gate)
        {
            if (_listener is not null)
            {
                return;
            }

            _stop = new CancellationTokenSource();
            _listener = new TcpListener(IPAddress.Loopback, Port);
            _listener.Server.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
            _listener.Start();
            _ = AcceptAsync(_listener, _stop.Token);
        }
    }

    private async Task AcceptAsync(TcpListener listener, CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            TcpClient inbound;
            try
            {
                inbound = await listener.AcceptTcpClientAsync(cancellationToken);
            }
            catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }

            _ = RelayAsync(inbound, cancellationToken);
        }
    }

    private async Task RelayAsync(TcpClient inbound, CancellationToken cancellationToken)
    {
        var outbound = new TcpClient();
        lock (_gate)
        {
            _open.Add(inbound);
            _open.Add(outbound);
        }

        try
        {
            await outbound.ConnectAsync(_target, cancellationToken);
            var a = inbound.GetStream();
            var b = outbound.GetStream();
            await Task.WhenAny(a.CopyToAsync(b, cancellationToken), b.CopyToAsync(a, cancellationToken));
        }
        catch (Exception ex) when (ex is OperationCanceledException or SocketException or IOException or ObjectDisposedException)
        {
            // Cut, or one side closed.
        }
        finally
        {
            inbound.Dispose();
            outbound.Dispose();
            lock (_gate)
            {
                _open.Remove(inbound);
                _open.Remove(outbound);
            }
        }
    }

    public ValueTask DisposeAsync()
    {
        Cut();
        _stop?.Dispose();
        return ValueTask.CompletedTask;
    }
}
