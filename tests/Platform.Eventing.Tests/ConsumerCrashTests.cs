using Platform.Contracts.Events;
using Platform.Eventing.Tests.Support;

namespace Platform.Eventing.Tests;

/// <summary>A consumer process dies in the middle of a handler: the message comes again and is applied once.</summary>
public sealed class ConsumerCrashTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task A_consumer_killed_mid_handler_gets_the_message_again_after_a_restart_and_applies_it_once()
    {
        await using var scenario = await EventingScenario.CreateAsync(
            "crash",
            new Dictionary<string, string?> { ["TESTAPP_TYPES"] = "request.approved" });
        var slow = await scenario.StartAppAsync("evt-crash-slow", new Dictionary<string, string?> { ["TESTAPP_HANDLER_DELAY_MS"] = "60000" });

        var parties = new RequestParties(Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid());
        var sent = (await scenario.PublishAsync(new RequestApproved(parties))).Single();
        var id = sent.Id.ToString();

        // The handler has written its effect (uncommitted) and sleeps before the commit: kill -9.
        await slow.WaitForOutputAsync($"TESTAPP in handler of request.approved {id}", Timeout);
        await slow.KillAsync();
        Assert.Equal(0, await scenario.CountHandledAsync([id]));
        Assert.Equal(0, await scenario.CountInboxAsync([id]));

        var restarted = await scenario.StartAppAsync("evt-crash-restarted");
        await scenario.WaitUntilAsync("the redelivered message is handled", Timeout, async () => await scenario.CountHandledAsync([id]) >= 1);
        await scenario.WaitUntilAsync("the outbox row is marked sent", Timeout, async () => await scenario.CountUnsentAsync() == 0);

        // Give a duplicate a chance to show up, then check: one effect, one inbox row, two handler runs.
        await Task.Delay(TimeSpan.FromSeconds(1));
        var state = await scenario.DescribeAsync();
        Assert.True(await scenario.CountHandledAsync([id]) == 1, "handled rows != 1" + Environment.NewLine + state);
        Assert.True(await scenario.CountInboxAsync([id]) == 1, "inbox rows != 1" + Environment.NewLine + state);
        var runs = await scenario.QueryAsync<string>("select handled_by from {schema}.attempts where event_id = @id order by at", new { id });
        Assert.Equal(["evt-crash-slow", "evt-crash-restarted"], runs);
        var by = await scenario.QueryAsync<string>("select handled_by from {schema}.handled where event_id = @id", new { id });
        Assert.Equal(["evt-crash-restarted"], by);
        Assert.False(restarted.HasExited);
    }
}
