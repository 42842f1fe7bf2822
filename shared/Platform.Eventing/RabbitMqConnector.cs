using Microsoft.Extensions.Logging;
using Platform.Hosting.Hosting;
using RabbitMQ.Client;

namespace Platform.Eventing;

/// <summary>
/// The service's two connections to RabbitMQ: one that publishes (the relay, the consumer's retries and
/// parking, <c>migrate</c>) and one that only consumes and acknowledges. While a memory or disk alarm
/// lasts, RabbitMQ blocks every connection that publishes by no longer reading its socket; a consumer on
/// that connection could no longer acknowledge, so the queues whose draining ends the alarm would not
/// drain. A connection that only consumes is never blocked. Recovery is ours, not the client's: when a
/// connection dies, the next caller opens a new one, and components rebuild their channels, so a stale
/// delivery tag is never acknowledged.
/// </summary>
public sealed class RabbitMqConnector(EventingOptions options, ServiceIdentity identity, ILogger<RabbitMqConnector> logger) : IAsyncDisposable
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly Slot _publishing = new("publish");
    private readonly Slot _consuming = new("consume");

    /// <summary>Whether the publishing connection is open (the one every instance has: migrate and the relay use it).</summary>
    public bool IsConnected => _publishing.Connection is { IsOpen: true };

    /// <summary>Why RabbitMQ blocks the publishing connection now (a memory or disk alarm), or null.</summary>
    public string? BlockedReason => _publishing.Connection is { IsOpen: true } ? _publishing.BlockedReason : null;

    /// <summary>The connection that publishes: the relay, the consumer's retries and parking, <c>migrate</c>.</summary>
    public Task<IConnection> GetPublishingConnectionAsync(CancellationToken cancellationToken) => GetAsync(_publishing, cancellationToken);

    /// <summary>The connection that only consumes and acknowledges: RabbitMQ never blocks it.</summary>
    public Task<IConnection> GetConsumingConnectionAsync(CancellationToken cancellationToken) => GetAsync(_consuming, cancellationToken);

    private async Task<IConnection> GetAsync(Slot slot, CancellationToken cancellationToken)
    {
        if (slot.Connection is { IsOpen: true } open)
        {
            return open;
        }

        await _gate.WaitAsync(cancellationToken);
        try
        {
            if (slot.Connection is { IsOpen: true } reopened)
            {
                return reopened;
            }

            if (slot.Connection is not null)
            {
                await DisposeQuietlyAsync(slot.Connection);
            }

            var factory = new ConnectionFactory
            {
                Uri = new Uri(options.ConnectionString),
                ClientProvidedName = $"{identity.Name}@{Environment.MachineName} ({slot.Purpose})",
                AutomaticRecoveryEnabled = false,
                TopologyRecoveryEnabled = false,
                RequestedHeartbeat = TimeSpan.FromSeconds(10),
                RequestedConnectionTimeout = TimeSpan.FromSeconds(5),
            };
            var connection = await factory.CreateConnectionAsync(cancellationToken);
            slot.BlockedReason = null;
            connection.ConnectionBlockedAsync += (_, e) =>
            {
                slot.BlockedReason = e.Reason;
                logger.LogWarning("RabbitMQ blocks the {Purpose} connection of {Service}: {Reason}. Events wait in the outbox until the broker's alarm ends", slot.Purpose, identity.Name, e.Reason);
                return Task.CompletedTask;
            };
            connection.ConnectionUnblockedAsync += (_, _) =>
            {
                slot.BlockedReason = null;
                logger.LogInformation("RabbitMQ no longer blocks the {Purpose} connection of {Service}", slot.Purpose, identity.Name);
                return Task.CompletedTask;
            };
            slot.Connection = connection;
            logger.LogInformation("Connected to RabbitMQ at {Host} ({Purpose})", factory.HostName, slot.Purpose);
            return connection;
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
        await DisposeQuietlyAsync(_consuming.Connection);
        await DisposeQuietlyAsync(_publishing.Connection);
        _gate.Dispose();
    }

    private sealed class Slot(string purpose)
    {
        public string Purpose { get; } = purpose;

        public IConnection? Connection { get; set; }

        private volatile string? _blockedReason;

        public string? BlockedReason
        {
            get => _blockedReason;
            set => _blockedReason = value;
        }
    }
}
