using System.Text.Json;
using Platform.Contracts;
using Platform.Contracts.Events;
using Platform.Eventing.Tests.Support;

namespace Platform.Eventing.Tests;

/// <summary>
/// An outbox row the broker always refuses is parked with its reason; the rows behind it keep flowing.
/// A row it refuses for a moment is published again, not parked.
/// </summary>
public sealed class RelayParkingTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    private sealed record ParkedRow(Guid EventId, string? ParkReason);

    [Fact]
    public async Task A_row_bigger_than_the_broker_takes_is_parked_at_once_and_health_raises_it()
    {
        await using var scenario = await EventingScenario.CreateAsync(
            "relay-size",
            new Dictionary<string, string?> { ["TESTAPP_TYPES"] = "message.read,report.created", ["Eventing__MaxMessageBytes"] = "4096" });
        var app = await scenario.StartAppAsync();

        var events = await scenario.PublishAsync(
            new MessageRead(Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid()),
            new ReportCreated(Guid.NewGuid(), Guid.NewGuid(), "user", Guid.NewGuid(), new string('x', 8000)),
            new MessageRead(Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid()));
        var small = new[] { events[0].Id.ToString(), events[2].Id.ToString() };

        await scenario.WaitUntilAsync("the small events are handled", Timeout, async () => await scenario.CountHandledAsync(small) == 2);
        var parked = await ParkedAsync(scenario);
        var (status, body, _) = await app.GetAsync("api/health");

        Assert.Equal(events[1].Id, Assert.Single(parked).EventId);
        Assert.Contains("more than the broker takes (Eventing__MaxMessageBytes 4096)", parked[0].ParkReason, StringComparison.Ordinal);
        Assert.Equal(System.Net.HttpStatusCode.OK, status);
        var outbox = JsonDocument.Parse(body).RootElement.GetProperty("checks").GetProperty("outbox");
        Assert.Equal("parked", outbox.GetProperty("status").GetString());
        Assert.Equal(1, outbox.GetProperty("details").GetProperty("parked").GetInt64());
        Assert.Equal(0, outbox.GetProperty("details").GetProperty("unsent").GetInt64());
    }

    [Fact]
    public async Task A_row_the_broker_nacks_is_found_by_publishing_one_at_a_time_and_parked_while_the_others_go()
    {
        await using var scenario = await EventingScenario.CreateAsync(
            "relay-nack",
            new Dictionary<string, string?> { ["TESTAPP_TYPES"] = "message.read" });
        var refusing = await scenario.Broker.RefuseAsync("report.created");
        try
        {
            var app = await scenario.StartAppAsync();
            var batch = new List<IIntegrationEvent>();
            for (var i = 0; i < 10; i++)
            {
                batch.Add(i == 4
                    ? new ReportCreated(Guid.NewGuid(), Guid.NewGuid(), "user", Guid.NewGuid(), "spam")
                    : (IIntegrationEvent)new MessageRead(Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid()));
            }

            var events = await scenario.PublishAsync(batch.ToArray());
            var others = events.Where(e => e.Type == "message.read").Select(e => e.Id.ToString()).ToList();

            await scenario.WaitUntilAsync("the events around the refused one are handled", Timeout, async () => await scenario.CountHandledAsync(others) == others.Count);
            await scenario.WaitUntilAsync("the refused row is parked", Timeout, async () => (await ParkedAsync(scenario)).Count == 1);
            var parked = Assert.Single(await ParkedAsync(scenario));

            Assert.Equal(events[4].Id, parked.EventId);
            Assert.Matches(@"^the broker refused it for \d+\.\d s: ", parked.ParkReason);
            var refusedFor = double.Parse(parked.ParkReason!.Split(' ')[5], System.Globalization.CultureInfo.InvariantCulture);
            Assert.True(refusedFor >= OutboxRelay.RefusedForBeforeParking.TotalSeconds, $"parked after {refusedFor} s of refusals");
            await scenario.WaitUntilAsync("every row but the parked one is sent", Timeout, async () => await CountWaitingAsync(scenario) == 0);
            Assert.True(app.CountLines("parked") >= 1, app.OutputTail());
        }
        finally
        {
            await scenario.Broker.DeleteQueuesAsync([refusing]);
        }
    }

    [Fact]
    public async Task A_row_the_broker_refuses_for_a_moment_is_published_again_and_not_parked()
    {
        // As when a quorum queue bound to the row's type is deleted while the row is published
        // (rabbitmq-server#15333): the broker nacks it, and takes it once the queue is gone.
        await using var scenario = await EventingScenario.CreateAsync(
            "relay-refused-once",
            new Dictionary<string, string?> { ["TESTAPP_TYPES"] = "message.read" });
        var refusing = await scenario.Broker.RefuseAsync("message.read");
        TestAppProcess app;
        string id;
        try
        {
            app = await scenario.StartAppAsync();
            id = (await scenario.PublishAsync(new MessageRead(Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid())))[0].Id.ToString();
            await scenario.WaitUntilAsync("the broker refused the row", Timeout, async () => app.CountLines("The broker refused outbox row") >= 1 || (await ParkedAsync(scenario)).Count > 0);
            Assert.True((await ParkedAsync(scenario)).Count == 0, $"the row was parked at its first refusal{Environment.NewLine}{app.OutputTail()}");
        }
        finally
        {
            // Also when the test fails: the vhost is used again by a later scenario of the run.
            await scenario.Broker.DeleteQueuesAsync([refusing]);
        }

        await scenario.WaitUntilAsync("the event is handled", Timeout, async () => await scenario.CountHandledAsync([id]) == 1);
        await scenario.WaitUntilAsync("the row is marked sent", Timeout, async () => await CountWaitingAsync(scenario) == 0);

        Assert.Empty(await ParkedAsync(scenario));
        Assert.True(app.CountLines(" parked: ") == 0, app.OutputTail());
    }

    private static Task<long> CountWaitingAsync(EventingScenario scenario) =>
        scenario.ScalarAsync("select count(*) from {schema}.outbox where sent_at is null and parked_at is null");

    private static Task<List<ParkedRow>> ParkedAsync(EventingScenario scenario) =>
        scenario.QueryAsync<ParkedRow>("select event_id as EventId, park_reason as ParkReason from {schema}.outbox where parked_at is not null order by id");
}
