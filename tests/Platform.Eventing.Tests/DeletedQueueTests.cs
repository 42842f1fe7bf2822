using Platform.Contracts.Events;
using Platform.Eventing.Tests.Support;

namespace Platform.Eventing.Tests;

/// <summary>
/// A service's queue deleted while it consumes (by an operator, say): the broker cancels the consumer
/// and keeps the channel open, so nothing more would come. The consumer starts a new session, which
/// declares the queue and its bindings again, and the events published after that are handled.
/// </summary>
public sealed class DeletedQueueTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task A_queue_deleted_under_its_consumer_is_declared_again_with_its_bindings_and_later_events_are_handled()
    {
        await using var scenario = await EventingScenario.CreateAsync("queue-deleted", new Dictionary<string, string?> { ["TESTAPP_TYPES"] = "message.read" });
        var app = await scenario.StartAppAsync();
        var before = (await scenario.PublishAsync(new MessageRead(Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid())))[0].Id.ToString();
        await scenario.WaitUntilAsync("the first event is handled", Timeout, async () => await scenario.CountHandledAsync([before]) == 1);

        await scenario.Broker.DeleteQueuesAsync([scenario.Queue]);
        await app.WaitForOutputAsync($"Consuming {scenario.Queue} ", Timeout, count: 2);
        var after = (await scenario.PublishAsync(new MessageRead(Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid())))[0].Id.ToString();
        await scenario.WaitUntilAsync("the event published after the queue came back is handled", Timeout, async () => await scenario.CountHandledAsync([after]) == 1);

        Assert.True(app.CountLines($"The broker cancelled the consumer of {scenario.Queue}") >= 1, app.OutputTail());
        await app.WaitUntilHealthyAsync(Timeout);
    }
}
