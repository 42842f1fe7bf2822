using Microsoft.Extensions.DependencyInjection;
using Platform.Data;
using Platform.Hosting.Health;
using Platform.Hosting.Hosting;

namespace Platform.Eventing;

public static class EventingSetup
{
    /// <summary>
    /// RabbitMQ for a service: the outbox relay always, and a consumer of the service's queue when it
    /// registers handlers. Both run as hosted services in the worker, under <c>func start</c> and standalone.
    /// </summary>
    /// <param name="verifyPublishers">
    /// False only for the eventing test app, which publishes every type of the catalogue as itself: the
    /// services always refuse an event not sent by its declared publisher (<see cref="PublisherCheck"/>).
    /// </param>
    public static PlatformApplication AddEventing(this PlatformApplication app, Action<EventHandlerRegistry>? handle = null, bool verifyPublishers = true)
    {
        var registry = new EventHandlerRegistry();
        handle?.Invoke(registry);
        var services = app.Services;
        services.AddSingleton(_ =>
        {
            var options = EventingOptions.FromConfiguration(app.Configuration, app.ServiceName, app.RequiresSecureTransport);
            options.VerifyPublishers = verifyPublishers;
            return options;
        });
        services.AddSingleton(registry);
        services.AddSingleton<RabbitMqConnector>();
        services.AddSingleton<IHealthProbe, BrokerHealthProbe>();
        services.AddSingleton<IHealthProbe, OutboxBacklogProbe>();
        TransientFailure.Register(ex => ex is RabbitMQ.Client.Exceptions.BrokerUnreachableException or RabbitMQ.Client.Exceptions.AlreadyClosedException);
        if (app.Mode.IsCommand())
        {
            if (app.Mode == HostingMode.Migrate)
            {
                // Also without handlers: the keys it handled before are unbound.
                services.AddSingleton<IDeploymentStep, ConsumerTopologyStep>();
            }

            return app;
        }

        services.AddSingleton<OutboxRelay>();
        services.AddHostedService(sp => sp.GetRequiredService<OutboxRelay>());
        if (registry.EventTypes.Count > 0)
        {
            services.AddSingleton<ConsumerState>();
            services.AddSingleton<IHealthProbe, ConsumerHealthProbe>();
            services.AddSingleton<EventConsumer>();
            services.AddHostedService(sp => sp.GetRequiredService<EventConsumer>());
        }

        return app;
    }
}
