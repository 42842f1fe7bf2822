using Platform.Contracts;
using Platform.Contracts.Events;
using Platform.Eventing.Tests.Support;

namespace Platform.Eventing.Tests;

/// <summary>
/// <c>migrate</c> takes back the bindings a service no longer wants, against the real broker: a routing
/// key it stopped handling, and a queue it stopped using (a changed <c>Eventing__Queue</c>). AMQP cannot
/// list bindings, so what migrate bound is recorded in the service's <c>broker_bindings</c> table.
/// </summary>
public sealed class StaleBindingsTests
{
    private static CloudEvent Read() =>
        CloudEvent.Wrap(new MessageRead(Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid()), EventingScenario.Source, DateTimeOffset.UtcNow);

    private static CloudEvent Report() =>
        CloudEvent.Wrap(new ReportCreated(Guid.NewGuid(), Guid.NewGuid(), "message", Guid.NewGuid(), "spam"), EventingScenario.Source, DateTimeOffset.UtcNow);

    private static Dictionary<string, string?> Types(string types) => new() { ["TESTAPP_TYPES"] = types };

    [Fact]
    public async Task A_key_no_longer_handled_is_unbound_at_migrate_and_bound_again_once_handled_again()
    {
        await using var scenario = await EventingScenario.CreateAsync("stale-key", Types("message.read,report.created"));
        // The same queue and key recorded under another virtual host: not this broker's binding to take back.
        await scenario.ScalarAsync(
            "insert into {schema}.broker_bindings (vhost, queue, routing_key) values ('elsewhere', @queue, 'report.created') returning 1",
            new { queue = scenario.Queue });

        var output = await scenario.MigrateAsync(Types("message.read"));

        var (read, report) = (Read(), Report());
        await scenario.Broker.PublishEnvelopeAsync(read);
        await scenario.Broker.PublishEnvelopeAsync(report);
        var waiting = (await scenario.Broker.DrainAsync(scenario.Queue)).Select(m => m.MessageId).ToList();
        Assert.Contains(read.Id, waiting);
        Assert.DoesNotContain(report.Id, waiting);
        Assert.Contains($"Queue {scenario.Queue} is unbound from report.created", output, StringComparison.Ordinal);
        Assert.Equal(1, await scenario.ScalarAsync(
            "select count(*) from {schema}.broker_bindings where queue = @queue and routing_key = 'report.created' and unbound_at is not null",
            new { queue = scenario.Queue }));
        Assert.Equal(1, await scenario.ScalarAsync(
            "select count(*) from {schema}.broker_bindings where vhost = 'elsewhere' and unbound_at is null"));

        // During a rollout an instance of the previous version binds the key again when its consumer starts;
        // the next migrate takes it back again.
        var previous = await scenario.StartAppAsync(settings: Types("message.read,report.created"));
        await previous.KillAsync();
        var rebound = Report();
        await scenario.Broker.PublishEnvelopeAsync(rebound);
        Assert.Contains(rebound.Id, (await scenario.Broker.DrainAsync(scenario.Queue)).Select(m => m.MessageId));
        await scenario.MigrateAsync(Types("message.read"));
        var late = Report();
        await scenario.Broker.PublishEnvelopeAsync(late);
        Assert.DoesNotContain(late.Id, (await scenario.Broker.DrainAsync(scenario.Queue)).Select(m => m.MessageId));

        await scenario.MigrateAsync(Types("message.read,report.created"));
        var back = Report();
        await scenario.Broker.PublishEnvelopeAsync(back);
        Assert.Contains(back.Id, (await scenario.Broker.DrainAsync(scenario.Queue)).Select(m => m.MessageId));
        Assert.Equal(0, await scenario.ScalarAsync(
            "select count(*) from {schema}.broker_bindings where queue = @queue and unbound_at is not null",
            new { queue = scenario.Queue }));
    }

    [Fact]
    public async Task A_former_queue_is_unbound_its_messages_moved_to_the_new_queue_and_it_is_forgotten_once_deleted()
    {
        await using var scenario = await EventingScenario.CreateAsync("stale-queue", Types("message.read"));
        var renamed = scenario.Queue + ".renamed";
        var settings = new Dictionary<string, string?>(Types("message.read")) { ["Eventing__Queue"] = renamed };
        try
        {
            var before = Read();
            await scenario.Broker.PublishEnvelopeAsync(before);

            var output = await scenario.MigrateAsync(settings);

            var after = Read();
            await scenario.Broker.PublishEnvelopeAsync(after);
            // Nothing lost or left behind: what the former queue held was moved on to the new one, ahead of
            // what came after; nothing reaches the former queue any more.
            Assert.DoesNotContain((await scenario.Broker.DrainAsync(scenario.Queue)).Select(m => m.MessageId), id => id == before.Id || id == after.Id);
            var arrived = (await scenario.Broker.DrainAsync(renamed)).Where(m => m.MessageId == before.Id || m.MessageId == after.Id).ToList();
            Assert.Equal([before.Id, after.Id], arrived.Select(m => m.MessageId));
            Assert.Equal(before.ToUtf8Bytes(), arrived[0].Body);
            Assert.Equal(before.Type, arrived[0].Type);
            Assert.Contains($"Queue {scenario.Queue} is a former queue of this service (Eventing__Queue is now {renamed})", output, StringComparison.Ordinal);
            Assert.Contains($"1 messages were moved from it to {renamed}, it still holds 0 messages and has 0 consumers", output, StringComparison.Ordinal);

            await scenario.Broker.DeleteQueuesAsync([scenario.Queue]);
            var forgotten = await scenario.MigrateAsync(settings);

            Assert.Contains($"Queue {scenario.Queue} no longer exists", forgotten, StringComparison.Ordinal);
            Assert.Equal(0, await scenario.ScalarAsync("select count(*) from {schema}.broker_bindings where queue = @queue", new { queue = scenario.Queue }));
            Assert.Equal(1, await scenario.ScalarAsync(
                "select count(*) from {schema}.broker_bindings where queue = @queue and unbound_at is null", new { queue = renamed }));
        }
        finally
        {
            await scenario.Broker.DeleteQueuesAsync([renamed, renamed + ".parking", .. EventingScenario.RetryDelaysMs.Select(d => $"{renamed}.retry.{d}ms")]);
        }
    }
}
