using System.Diagnostics;
using Dapper;
using Microsoft.Extensions.Logging;
using Platform.Data;
using Platform.Hosting.Hosting;
using RabbitMQ.Client;
using RabbitMQ.Client.Exceptions;

namespace Platform.Eventing;

/// <summary>
/// Part of the service's <c>migrate</c> command: declares the service's queues and binds them to the
/// event types it handles. The broker drops (and still confirms) an event that no queue is bound
/// for, so without this an event relayed by another service before this one first started was lost;
/// deployments run every service's <c>migrate</c> before starting any of them.
/// <para>
/// It also takes back the bindings the service no longer wants. AMQP cannot list a queue's bindings,
/// so every binding made here is recorded in <c>{schema}.broker_bindings</c> (per virtual host); a
/// recorded routing key the service no longer handles is unbound (its events would otherwise go
/// through every retry to parking), and a queue recorded under a name the service no longer uses (a
/// changed <c>Eventing__Queue</c>) is unbound from every key, so it stops filling with no consumer;
/// what it holds is moved to the current queue, and it is reported, never deleted here. The new
/// bindings are made before any old one is taken away, so no event finds no queue in between.
/// </para>
/// </summary>
public sealed class ConsumerTopologyStep(
    RabbitMqConnector connector,
    EventingOptions options,
    EventHandlerRegistry registry,
    ServiceDatabase database,
    ILogger<ConsumerTopologyStep> logger) : IDeploymentStep
{
    private const int MoveBatch = 256;

    /// <summary>How long one run moves former queues' messages, all queues together (the deployment step has 60 s in all).</summary>
    private static readonly TimeSpan MoveBudget = TimeSpan.FromSeconds(20);

    public string Name => registry.EventTypes.Count > 0
        ? $"declaring queue {options.Queue} and its bindings"
        : "unbinding the events it no longer handles";

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var vhost = options.VirtualHost;
        var wanted = registry.EventTypes.Distinct(StringComparer.Ordinal).ToArray();
        if (wanted.Length > 0)
        {
            // Recorded first: a run that stops before binding leaves a record of a binding the next run
            // makes, never a binding nobody knows of.
            await RecordAsync(vhost, wanted, cancellationToken);
            var connection = await connector.GetPublishingConnectionAsync(cancellationToken);
            await using var channel = await connection.CreateChannelAsync(cancellationToken: cancellationToken);
            await Topology.DeclareConsumerAsync(channel, options, wanted, cancellationToken);
            logger.LogInformation("Queue {Queue} is bound to {Types}", options.Queue, string.Join(", ", wanted));
        }

        var moving = Stopwatch.StartNew();
        foreach (var queue in await StaleAsync(vhost, wanted, cancellationToken))
        {
            await TakeBackAsync(vhost, queue, wanted.Length > 0, moving, cancellationToken);
        }
    }

    private Task RecordAsync(string vhost, string[] keys, CancellationToken cancellationToken) => ExecuteAsync(
        $"""
        insert into {database.Schema}.broker_bindings as b (vhost, queue, routing_key)
        select @vhost, @queue, k from unnest(@keys) as k
            on conflict (vhost, queue, routing_key) do update set bound_at = now(), unbound_at = null
         where b.unbound_at is not null
        """,
        new { vhost, queue = options.Queue, keys },
        cancellationToken);

    /// <summary>Recorded bindings of this vhost that the service no longer wants, by queue.</summary>
    private async Task<IReadOnlyList<StaleQueue>> StaleAsync(string vhost, string[] wanted, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<(string Queue, string RoutingKey, bool Unbound)>(new CommandDefinition(
            $"""
            select queue, routing_key, unbound_at is not null from {database.Schema}.broker_bindings
             where vhost = @vhost and not (queue = @queue and routing_key = any(@wanted))
             order by queue, routing_key
            """,
            new { vhost, queue = options.Queue, wanted },
            cancellationToken: cancellationToken));
        return rows
            .GroupBy(r => r.Queue, StringComparer.Ordinal)
            .Select(g => new StaleQueue(g.Key, g.Select(r => r.RoutingKey).ToArray(), g.Where(r => !r.Unbound).Select(r => r.RoutingKey).ToArray()))
            .ToList();
    }

    /// <summary>
    /// Unbinds a queue's stale keys from the events exchange. Every run unbinds them again (unbinding is
    /// idempotent): an instance of the previous version still running during a rollout binds its keys
    /// again when its consumer reconnects. A queue that no longer exists is forgotten.
    /// </summary>
    private async Task TakeBackAsync(string vhost, StaleQueue stale, bool handles, Stopwatch moving, CancellationToken cancellationToken)
    {
        var connection = await connector.GetPublishingConnectionAsync(cancellationToken);
        // A refused operation closes the channel: one channel per queue, so one refusal stops only its queue.
        await using var channel = await connection.CreateChannelAsync(cancellationToken: cancellationToken);
        QueueDeclareOk state;
        try
        {
            state = await channel.QueueDeclarePassiveAsync(stale.Queue, cancellationToken);
        }
        catch (OperationInterruptedException ex) when (ex.ShutdownReason?.ReplyCode == Constants.NotFound)
        {
            await ForgetAsync(vhost, stale.Queue, cancellationToken);
            logger.LogInformation("Queue {Queue} no longer exists on {Vhost}: its recorded bindings ({Keys}) are forgotten", stale.Queue, vhost, string.Join(", ", stale.Keys));
            return;
        }

        try
        {
            foreach (var key in stale.Keys)
            {
                await channel.QueueUnbindAsync(stale.Queue, EventingOptions.EventsExchange, key, cancellationToken: cancellationToken);
            }
        }
        catch (OperationInterruptedException ex) when (ex.ShutdownReason?.ReplyCode == Constants.AccessRefused)
        {
            // Not a reason to stop a deployment: nothing is lost while the binding stays (its events wait in
            // that queue, or go through the retries to parking).
            logger.LogWarning(
                "Could not unbind queue {Queue} from {Keys}: {Reason}. Unbind it by hand: rabbitmqctl -p {Vhost} list_bindings, then the management UI or API",
                stale.Queue, string.Join(", ", stale.Keys), ex.ShutdownReason?.ReplyText, vhost);
            return;
        }

        await MarkUnboundAsync(vhost, stale.Queue, stale.Keys, cancellationToken);
        if (stale.Queue == options.Queue)
        {
            if (stale.NewlyUnbound.Length > 0)
            {
                logger.LogInformation("Queue {Queue} is unbound from {Keys}: the service no longer handles them", stale.Queue, string.Join(", ", stale.NewlyUnbound));
            }

            return;
        }

        // What the former queue holds was sent to this service and is not handled yet: it goes on to the
        // current queue (unless the service now handles nothing, and so has no queue).
        var moved = handles && state.MessageCount > 0 ? await MoveAsync(connection, stale.Queue, moving, cancellationToken) : 0;
        var left = (await channel.QueueDeclarePassiveAsync(stale.Queue, cancellationToken)).MessageCount;
        logger.LogWarning(
            "Queue {Queue} is a former queue of this service (Eventing__Queue is now {Current}): it is unbound from {Keys} and receives no more events; "
            + "{Moved} messages were moved from it to {Current}, it still holds {Left} messages and has {Consumers} consumers. "
            + "Its retry queues send their messages back to it for a few minutes, and the next migrate moves them on. Then delete it and its retry and parking queues: "
            + "rabbitmqctl -p {Vhost} delete_queue {Queue}",
            stale.Queue, options.Queue, string.Join(", ", stale.Keys), moved, options.Queue, left, state.ConsumerCount, vhost, stale.Queue);
    }

    /// <summary>
    /// Moves a former queue's messages to the current one, a batch at a time: each batch is published
    /// (as the consumer sends a message on to a retry queue: the publisher's user travels in a header)
    /// and acknowledged in the former queue only once the broker has confirmed every copy, so a stop in
    /// between leaves a message in both queues, never in neither (the inbox drops the second). Stops
    /// once the run has moved for <see cref="MoveBudget"/>; the next run moves the rest.
    /// </summary>
    private async Task<long> MoveAsync(IConnection connection, string from, Stopwatch moving, CancellationToken cancellationToken)
    {
        await using var channel = await connection.CreateChannelAsync(
            new CreateChannelOptions(publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: true), cancellationToken);
        var moved = 0L;
        var batch = new List<BasicGetResult>(MoveBatch);
        while (moving.Elapsed < MoveBudget)
        {
            batch.Clear();
            while (batch.Count < MoveBatch && await channel.BasicGetAsync(from, autoAck: false, cancellationToken) is { } message)
            {
                batch.Add(message);
            }

            if (batch.Count == 0)
            {
                break;
            }

            var confirms = batch.Select(message =>
            {
                var delivery = Delivery.Copy(message.DeliveryTag, 0, message.Body, message.BasicProperties, message.Redelivered);
                return channel.BasicPublishAsync(
                    string.Empty, options.Queue, mandatory: true, delivery.Forward(delivery.Headers, options.BrokerUser), delivery.Body, cancellationToken).AsTask();
            }).ToList();
            await Task.WhenAll(confirms).WaitAsync(TimeSpan.FromSeconds(30), cancellationToken);
            await channel.BasicAckAsync(batch[^1].DeliveryTag, multiple: true, cancellationToken);
            moved += batch.Count;
        }

        return moved;
    }

    private Task MarkUnboundAsync(string vhost, string queue, string[] keys, CancellationToken cancellationToken) => ExecuteAsync(
        $"""
        update {database.Schema}.broker_bindings set unbound_at = now()
         where vhost = @vhost and queue = @queue and routing_key = any(@keys) and unbound_at is null
        """,
        new { vhost, queue, keys },
        cancellationToken);

    private Task ForgetAsync(string vhost, string queue, CancellationToken cancellationToken) => ExecuteAsync(
        $"delete from {database.Schema}.broker_bindings where vhost = @vhost and queue = @queue",
        new { vhost, queue },
        cancellationToken);

    private async Task ExecuteAsync(string sql, object parameters, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(sql, parameters, cancellationToken: cancellationToken));
    }

    /// <summary>A queue's recorded keys that are no longer wanted; <see cref="NewlyUnbound"/> those not unbound before.</summary>
    private sealed record StaleQueue(string Queue, string[] Keys, string[] NewlyUnbound);
}
