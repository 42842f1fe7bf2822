using Microsoft.Extensions.Logging;
using Platform.Hosting.Hosting;
using RabbitMQ.Client;

namespace Platform.Eventing;

/// <summary>
/// The service's one connection to RabbitMQ, shared by the relay and the consumer (each on its own
/// channels). Recovery is ours, not the client's: when the connection dies, the next caller opens a
/// new one, and components rebuild their channels, so a stale delivery tag is never acknowledged.
/// </summary>
public sealed class RabbitMqConnector(EventingOptions options, ServiceIdentity identity, ILogger<RabbitMqConnector> logger) : IAsyncDisposable
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private IConnection? _connection;

    public bool IsConnected => _connection is { IsOpen: true };

    public async Task<IConnection> GetConnectionAsync(CancellationToken cancellationToken)
    {
        if (_connection is { IsOpen: true } open)
        {
            return open;
        }

        await _gate.WaitAsync(cancellationToken);
        try
        {
            if (_connection is { IsOpen: true } reopened)
            {
                return reopened;
            }

            if (_connection is not null)
            {
                await DisposeQuietlyAsync(_connection);
            }

            var factory = new ConnectionFactory
            {
                Uri = new Uri(options.ConnectionString),
                ClientProvidedName = $"{identity.Name}@{Environment.MachineName}",
                AutomaticRecoveryEnabled = false,
                TopologyRecoveryEnabled = false,
                RequestedHeartbeat = TimeSpan.FromSeconds(10),
                RequestedConnectionTimeout = TimeSpan.FromSeconds(5),
            };
            _connection = await factory.CreateConnectionAsync(cancellationToken);
            logger.LogInformation("Connected to RabbitMQ at {Host}", factory.HostName);
            return _connection;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>A growing, jittered delay for the next reconnect attempt.</summary>
    public TimeSpan Backoff(int failures)
    {
        var seconds = Math.Min(options.MaxReconnectDelay.TotalSeconds, 0.25 * Math.Pow(2, Math.Min(failures, 10)));
        return TimeSpan.FromSeconds(seconds * (0.8 + (Random.Shared.NextDouble() * 0.4)));
    }

    internal static async Task DisposeQuietlyAsync(IAsyncDisposable? disposable)
    {
        if (disposable is null)
        {
            return;
        }

        try
        {
            await disposable.DisposeAsync();
        }
        catch (Exception)
        {
            // Closing a dead connection or channel fails; there is nothing left to release.
        }
    }

    public async ValueTask DisposeAsync()
    {
        await DisposeQuietlyAsync(_connection);
        _gate.Dispose();
    }
}
