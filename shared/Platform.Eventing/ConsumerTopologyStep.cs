using Microsoft.Extensions.Logging;
using Platform.Hosting.Hosting;

namespace Platform.Eventing;

/// <summary>
/// Part of the service's <c>migrate</c> command: declares the service's queues and binds them to the
/// event types it handles. The broker drops (and still confirms) an event that no queue is bound
/// for, so without this an event relayed by another service before this one first started was lost;
/// deployments run every service's <c>migrate</c> before starting any of them.
/// </summary>
public sealed class ConsumerTopologyStep(
    RabbitMqConnector connector, EventingOptions options, EventHandlerRegistry registry, ILogger<ConsumerTopologyStep> logger) : IDeploymentStep
{
    public string Name => $"declaring queue {options.Queue} and its bindings";

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var connection = await connector.GetConnectionAsync(cancellationToken);
        await using var channel = await connection.CreateChannelAsync(cancellationToken: cancellationToken);
        await Topology.DeclareConsumerAsync(channel, options, registry.EventTypes, cancellationToken);
        logger.LogInformation("Queue {Queue} is bound to {Types}", options.Queue, string.Join(", ", registry.EventTypes));
    }
}
