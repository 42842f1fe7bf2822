using Platform.Contracts;
using Platform.Contracts.Events;
using Platform.Eventing.Tests.Support;

namespace Platform.Eventing.Tests;

/// <summary>
/// The broker drops an event no queue is bound for (and still confirms it to the relay). A service's
/// <c>migrate</c> therefore declares its queue and bindings, so events another service relays before
/// this one first starts wait in its queue instead of being lost.
/// </summary>
public sealed class BindAtMigrateTests
{
    [Fact]
    public async Task After_migrate_alone_an_event_for_the_service_waits_in_its_queue_and_others_do_not()
    {
        await using var scenario = await EventingScenario.CreateAsync(
            "bind-at-migrate",
            new Dictionary<string, string?> { ["TESTAPP_TYPES"] = "message.read" });
        var wanted = CloudEvent.Wrap(new MessageRead(Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid()), EventingScenario.Source, DateTimeOffset.UtcNow);
        var other = CloudEvent.Wrap(new ReportCreated(Guid.NewGuid(), Guid.NewGuid(), "message", Guid.NewGuid(), "spam"), EventingScenario.Source, DateTimeOffset.UtcNow);

        // No instance of the app has started: only its `migrate` ran.
        await scenario.Broker.PublishEnvelopeAsync(wanted);
        await scenario.Broker.PublishEnvelopeAsync(other);
        var waiting = await scenario.Broker.DrainAsync(scenario.Queue);

        Assert.Equal([wanted.Id], waiting.Select(m => m.MessageId));
    }
}
