using Platform.Contracts;
using Platform.Contracts.Events;
using Platform.Eventing.Tests.Support;

namespace Platform.Eventing.Tests;

/// <summary>The inbox: a message delivered more than once has one effect.</summary>
public sealed class DuplicateDeliveryTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task A_message_delivered_twice_is_applied_once()
    {
        await using var scenario = await EventingScenario.CreateAsync(
            "duplicate",
            new Dictionary<string, string?> { ["TESTAPP_TYPES"] = "message.read,report.created" });
        var app = await scenario.StartAppAsync();

        // Two copies back to back (likely in one batch, maybe in two concurrent ones)...
        var envelope = CloudEvent.Wrap(new MessageRead(Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid()), EventingScenario.Source, DateTimeOffset.UtcNow, correlationId: "corr-duplicate");
        await scenario.Broker.PublishEnvelopeAsync(envelope);
        await scenario.Broker.PublishEnvelopeAsync(envelope);
        await app.WaitForOutputAsync($"Skipped message.read {envelope.Id}: already handled", Timeout);
        await AssertAppliedOnceAsync(scenario, envelope);

        // ... and a third copy long after the first one committed (a redelivery, a relay that resent).
        await scenario.Broker.PublishEnvelopeAsync(envelope);
        await app.WaitForOutputAsync($"Skipped message.read {envelope.Id}: already handled", Timeout, count: 2);
        await AssertAppliedOnceAsync(scenario, envelope);

        // The same payload under another envelope id is another event, and is applied.
        var other = envelope with { Id = Guid.CreateVersion7().ToString() };
        await scenario.Broker.PublishEnvelopeAsync(other);
        await scenario.WaitUntilAsync("the second envelope is handled", Timeout, async () => await scenario.CountHandledAsync([other.Id]) == 1);
        await AssertAppliedOnceAsync(scenario, envelope);
    }

    private static async Task AssertAppliedOnceAsync(EventingScenario scenario, CloudEvent envelope)
    {
        var state = await scenario.DescribeAsync();
        Assert.True(await scenario.CountHandledAsync([envelope.Id]) == 1, "handled rows of the duplicated event != 1" + Environment.NewLine + state);
        Assert.True(await scenario.CountInboxAsync([envelope.Id]) == 1, "inbox rows of the duplicated event != 1" + Environment.NewLine + state);
        Assert.True(
            await scenario.ScalarAsync("select count(*) from {schema}.attempts where event_id = @id", new { id = envelope.Id }) == 1,
            "the handler ran more than once for the duplicated event" + Environment.NewLine + state);
    }
}
