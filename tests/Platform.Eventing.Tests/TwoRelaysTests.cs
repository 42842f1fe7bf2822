using System.Text.Json;
using Platform.Contracts;
using Platform.Contracts.Events;
using Platform.Eventing.Tests.Support;

namespace Platform.Eventing.Tests;

/// <summary>Two instances of a service: two relays over one outbox, two consumers on one queue.</summary>
public sealed class TwoRelaysTests
{
    private const int Events = 2000;
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Two_relays_over_one_outbox_publish_every_row_once_and_every_event_is_handled_once()
    {
        await using var scenario = await EventingScenario.CreateAsync(
            "relays",
            new Dictionary<string, string?>
            {
                ["TESTAPP_TYPES"] = "message.sent,message.read",
                // Small batches and a short sweep (the relays are not signalled by the test's commits),
                // so that both relays are busy on the same backlog at the same time.
                ["Eventing__RelayBatchSize"] = "50",
                ["Eventing__RelaySweepIntervalMs"] = "50",
            });
        await using var tap = await scenario.Broker.TapAsync(["message.sent", "message.read"]);
        var a = await scenario.StartAppAsync("evt-relay-a");
        var b = await scenario.StartAppAsync("evt-relay-b");

        var published = new List<PublishedEvent>();
        for (var batch = 0; batch < Events / 200; batch++)
        {
            published.AddRange(await scenario.PublishAsync(Enumerable.Range(0, 200).Select(i => i % 2 == 0
                ? (IIntegrationEvent)new MessageSent(Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid(), null)
                : new MessageRead(Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid()))));
            await Task.Delay(50); // the backlog grows over several sweeps of both relays
        }

        var ids = published.Select(p => p.Id.ToString()).ToList();
        var state = await HandledOnceAsync(scenario, ids);
        Assert.True(await scenario.ScalarAsync("select count(distinct event_id) from {schema}.handled where event_id = any(@ids)", new { ids = ids.ToArray() }) == Events, state);

        // On the wire: every row exactly once, published by one relay or the other, and both took part.
        var idSet = ids.ToHashSet(StringComparer.Ordinal);
        var wire = tap.Messages.Where(m => m.MessageId is not null && idSet.Contains(m.MessageId)).ToList();
        var repeated = wire.GroupBy(m => m.MessageId).Where(g => g.Count() > 1).Select(g => $"{g.Key} x{g.Count()} ({string.Join("/", g.Select(m => m.AppId))})").ToList();
        Assert.True(repeated.Count == 0, $"{repeated.Count} outbox rows were published more than once: {string.Join(", ", repeated.Take(10))}{Environment.NewLine}{a.OutputTail(200)}{Environment.NewLine}{b.OutputTail(200)}");
        Assert.Equal(Events, wire.Count);
        var byRelay = wire.GroupBy(m => m.AppId ?? "?").ToDictionary(g => g.Key, g => g.Count());
        Assert.True(byRelay.Count == 2, $"both relays should have published part of the outbox: {JsonSerializer.Serialize(byRelay)}");

        // Each relay's own count agrees with the wire.
        foreach (var app in new[] { a, b })
        {
            var (_, body, _) = await app.GetAsync("api/testapp/stats");
            var published2 = JsonDocument.Parse(body).RootElement.GetProperty("published").GetInt64();
            Assert.Equal(byRelay.GetValueOrDefault(app.Name), published2);
        }

        // And both consumers shared the queue.
        var consumers = await scenario.QueryAsync<string>("select distinct handled_by from {schema}.handled where event_id = any(@ids) order by 1", new { ids = ids.ToArray() });
        Assert.True(
            consumers.SequenceEqual(["evt-relay-a", "evt-relay-b"]),
            $"both consumers should have handled part of the queue, handled_by: [{string.Join(", ", consumers)}]{Environment.NewLine}{state}{Environment.NewLine}{a.OutputTail(200)}{Environment.NewLine}{b.OutputTail(200)}");
    }

    [Theory]
    [InlineData(1)]
    [InlineData(4)]
    public async Task One_relays_lanes_drain_a_backlog_together_and_publish_every_row_once(int lanes)
    {
        await using var scenario = await EventingScenario.CreateAsync(
            "lanes",
            new Dictionary<string, string?>
            {
                ["TESTAPP_TYPES"] = "message.sent",
                ["Eventing__RelayBatchSize"] = "50",
                ["Eventing__RelayConcurrency"] = lanes.ToString(System.Globalization.CultureInfo.InvariantCulture),
            });
        await using var tap = await scenario.Broker.TapAsync(["message.sent"]);

        // The backlog is committed before the app starts, as after an outage: full batches, one after another.
        var published = await scenario.PublishAsync(Enumerable.Range(0, Events)
            .Select(_ => (IIntegrationEvent)new MessageSent(Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid(), null)));
        var app = await scenario.StartAppAsync("evt-lanes");
        var ids = published.Select(p => p.Id.ToString()).ToList();
        await HandledOnceAsync(scenario, ids);
        var idSet = ids.ToHashSet(StringComparer.Ordinal);
        var wire = tap.Messages.Where(m => m.MessageId is not null && idSet.Contains(m.MessageId)).ToList();
        var repeated = wire.GroupBy(m => m.MessageId).Count(g => g.Count() > 1);
        Assert.True(repeated == 0, $"{repeated} outbox rows were published more than once{Environment.NewLine}{app.OutputTail(200)}");
        Assert.Equal(Events, wire.Count);

        // A full batch wakes the next lane: with several lanes, batches overlapped; with one, never.
        var (_, body, _) = await app.GetAsync("api/testapp/stats");
        var stats = JsonDocument.Parse(body).RootElement;
        Assert.Equal(Events, stats.GetProperty("published").GetInt64());
        var peak = stats.GetProperty("peak_lanes").GetInt32();
        Assert.True(lanes == 1 ? peak == 1 : peak > 1, $"{lanes} lane(s): at most {peak} had a batch in flight at once");
    }

    /// <summary>
    /// Waits until every event is handled and the outbox has no unsent row, leaves late duplicates time
    /// to arrive, and checks one handled row and one inbox row per event; returns the scenario's state.
    /// </summary>
    private static async Task<string> HandledOnceAsync(EventingScenario scenario, List<string> ids)
    {
        await scenario.WaitUntilAsync($"all {Events} events are handled", Timeout, async () => await scenario.CountHandledAsync(ids) >= Events);
        await scenario.WaitUntilAsync("the outbox has no unsent rows", TimeSpan.FromSeconds(10), async () => await scenario.CountUnsentAsync() == 0);
        await Task.Delay(500); // late duplicates, if any, would arrive now

        var state = await scenario.DescribeAsync();
        Assert.True(await scenario.CountHandledAsync(ids) == Events, "handled rows != events" + Environment.NewLine + state);
        Assert.True(await scenario.CountInboxAsync(ids) == Events, "inbox rows != events" + Environment.NewLine + state);
        return state;
    }
}
