using System.Text.Json;
using Platform.Contracts;
using Platform.Contracts.Events;
using Platform.Eventing.Tests.Support;
using Platform.Testing;

namespace Platform.Eventing.Tests;

/// <summary>
/// A memory or disk alarm on the broker: RabbitMQ blocks every connection that publishes (it stops
/// reading its socket) until the alarm ends. The consumer acknowledges on a connection that never
/// publishes, so it goes on draining its queue, which is what ends an alarm; events committed
/// meanwhile wait in the outbox and leave when it ends, and health says why.
/// </summary>
/// <remarks>Category Faults: the alarm blocks every publisher of the shared broker, so scripts/test.sh runs these alone.</remarks>
[Collection(BrokerOutageCollection.Name)]
[Trait("Category", "Faults")]
public sealed class BrokerAlarmTests
{
    private const int Backlog = 40;
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task While_an_alarm_blocks_publishing_the_consumer_drains_its_queue_and_the_outbox_leaves_when_it_ends()
    {
        await using var scenario = await EventingScenario.CreateAsync(
            "alarm",
            new Dictionary<string, string?>
            {
                ["TESTAPP_TYPES"] = "message.read",
                // Slow and narrow, so that the backlog outlasts the block: with acks on a blocked
                // connection the consumer would stop after 5 unacknowledged deliveries.
                ["TESTAPP_HANDLER_DELAY_MS"] = "50",
                ["Eventing__Prefetch"] = "5",
                ["Eventing__Concurrency"] = "1",
            });

        // A backlog in the queue before the alarm, and an event in the outbox for the relay to publish
        // into the alarm (which blocks its connection).
        var queued = new List<string>();
        for (var i = 0; i < Backlog; i++)
        {
            var envelope = CloudEvent.Wrap(new MessageRead(Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid()), EventingScenario.Source, DateTimeOffset.UtcNow);
            await scenario.Broker.PublishEnvelopeAsync(envelope);
            queued.Add(envelope.Id);
        }

        var outboxed = (await scenario.PublishAsync(new MessageRead(Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid())))[0].Id.ToString();
        await LocalStack.RabbitAlarmAsync(on: true);
        try
        {
            var app = await scenario.StartAppAsync();
            await app.WaitForOutputAsync("RabbitMQ blocks the publish connection", Timeout);
            var (_, body, _) = await app.GetAsync("api/health");
            var broker = JsonDocument.Parse(body).RootElement.GetProperty("checks").GetProperty("broker");
            Assert.True(broker.GetProperty("status").GetString() == "blocked" && broker.GetProperty("healthy").GetBoolean(), body);
            Assert.False(string.IsNullOrEmpty(broker.GetProperty("details").GetProperty("reason").GetString()), body);

            // 40 handled with 5 unacknowledged at most: the broker read the consumer's acks all along.
            await scenario.WaitUntilAsync($"the {Backlog} queued events are handled during the alarm", Timeout, async () => await scenario.CountHandledAsync(queued) == Backlog);
            Assert.Equal(1, await scenario.CountUnsentAsync());
            Assert.Equal(0, await scenario.CountHandledAsync([outboxed]));
        }
        finally
        {
            await LocalStack.RabbitAlarmAsync(on: false);
        }

        await scenario.WaitUntilAsync("the outboxed event is published and handled after the alarm", Timeout, async () => await scenario.CountHandledAsync([outboxed]) == 1);
        Assert.Equal(0, await scenario.CountUnsentAsync());
    }
}
