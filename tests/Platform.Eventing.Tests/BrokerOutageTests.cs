using System.Diagnostics;
using System.Net;
using System.Text.Json;
using Platform.Contracts;
using Platform.Contracts.Events;
using Platform.Eventing.Tests.Support;
using Platform.Testing;

namespace Platform.Eventing.Tests;

/// <summary>
/// Tests that disturb the run's RabbitMQ node for everyone: kill it (stack.sh rabbit-stop, a SIGKILL) and
/// start it again, or raise a memory alarm (<see cref="BrokerAlarmTests"/>). They run one at a time, after
/// the other collections, so that no other test of this project loses its broker or has it blocked.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class BrokerOutageCollection
{
    public const string Name = "broker outage";
}

/// <remarks>Category Faults: scripts/test.sh runs these after every other test project, alone.</remarks>
[Collection(BrokerOutageCollection.Name)]
[Trait("Category", "Faults")]
public sealed class BrokerOutageTests
{
    private const int Events = 1000;

    /// <summary>
    /// RabbitMQ 3.10 can bring a quorum queue declared less than about a second before a SIGKILL back
    /// without a leader: it never confirms a publish again. The tests give the queues they declared
    /// this long (and some traffic) before they kill the node.
    /// </summary>
    private static readonly TimeSpan SettleBeforeKill = TimeSpan.FromSeconds(2);

    [Fact]
    public async Task Broker_killed_and_restarted_in_the_middle_of_1000_events_every_event_is_handled_exactly_once()
    {
        await using var scenario = await EventingScenario.CreateAsync(
            "outage",
            new Dictionary<string, string?>
            {
                ["TESTAPP_TYPES"] = "report.created,message.read",
                ["Eventing__RelayBatchSize"] = "50",
            });
        var app = await scenario.StartAppAsync();
        var declared = Stopwatch.StartNew();

        // 1,000 events in 100 transactions, written steadily (~300/s) while the relay and the consumer
        // work; the broker is SIGKILLed in the middle of the stream and started again while the rest
        // are written, so publishes await confirms and deliveries await acks when it dies.
        var published = new List<PublishedEvent>();
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var publisher = Task.Run(async () =>
        {
            for (var batch = 0; batch < Events / 10; batch++)
            {
                var events = await scenario.PublishAsync(Enumerable.Range(0, 10).Select(i => i % 2 == 0
                    ? (IIntegrationEvent)new ReportCreated(Guid.NewGuid(), Guid.NewGuid(), "message", Guid.NewGuid(), "spam " + i)
                    : new MessageRead(Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid())));
                lock (published)
                {
                    published.AddRange(events);
                }

                await Task.Delay(30, stop.Token);
            }
        });

        var stopped = false;
        long handledAtKill;
        try
        {
            await scenario.WaitUntilAsync("a part of the events is handled before the outage", TimeSpan.FromSeconds(20), async () =>
                publisher.IsFaulted || await scenario.ScalarAsync("select count(*) from {schema}.handled") >= 200);
            await SettleAsync(declared);
            Assert.False(publisher.IsCompleted, "The 1,000 events were all written before the broker was killed: the outage would not be in the middle.");
            await LocalStack.RabbitStopAsync();
            stopped = true;
            handledAtKill = await scenario.ScalarAsync("select count(*) from {schema}.handled");
            await publisher.WaitAsync(stop.Token);
            Assert.True(await scenario.CountUnsentAsync() > 0, "Nothing was left unsent while the broker was down: the outage did not interrupt the stream.");
        }
        finally
        {
            if (stopped)
            {
                await LocalStack.RabbitStartAsync();
            }

            if (!publisher.IsCompleted)
            {
                await stop.CancelAsync();
                await publisher.ContinueWith(_ => { }, TaskScheduler.Default);
            }
        }

        Assert.True(handledAtKill < Events, "Every event was handled before the broker was killed.");
        var ids = published.Select(p => p.Id.ToString()).ToList();
        Assert.Equal(Events, ids.Distinct().Count());
        await scenario.WaitUntilAsync($"all {Events} events are handled after the broker came back", TimeSpan.FromSeconds(60), async () => await scenario.CountHandledAsync(ids) >= Events);
        await scenario.WaitUntilAsync("the outbox has no unsent rows", TimeSpan.FromSeconds(15), async () => await scenario.CountUnsentAsync() == 0);
        await Task.Delay(1000); // late redeliveries, if any, would be applied now

        var state = await scenario.DescribeAsync();
        Assert.True(await scenario.CountHandledAsync(ids) == Events, "handled rows != 1000" + Environment.NewLine + state);
        var handledIds = await scenario.QueryAsync<string>("select event_id from {schema}.handled where event_id = any(@ids)", new { ids = ids.ToArray() });
        Assert.Equal(ids.Order(StringComparer.Ordinal), handledIds.Order(StringComparer.Ordinal));
        Assert.True(await scenario.CountInboxAsync(ids) == Events, "inbox rows != 1000" + Environment.NewLine + state);
        Assert.Equal(0, await scenario.CountUnsentAsync());
        await app.WaitUntilHealthyAsync(TimeSpan.FromSeconds(15));
        TestLog.Log($"outage: {handledAtKill} handled at the kill; {app.CountLines("already handled")} redelivered duplicates skipped by the inbox");
    }

    [Fact]
    public async Task Health_reports_the_broker_and_the_outbox_backlog_and_503_while_the_broker_is_down()
    {
        await using var scenario = await EventingScenario.CreateAsync(
            "health",
            new Dictionary<string, string?> { ["TESTAPP_TYPES"] = "report.created" });
        var app = await scenario.StartAppAsync();
        var declared = Stopwatch.StartNew();

        var (status, body, response) = await app.GetAsync("api/health");
        Assert.True(status == HttpStatusCode.OK, $"{(int)status} {body}");
        var up = JsonDocument.Parse(body).RootElement;
        Assert.Equal("healthy", up.GetProperty("status").GetString());
        AssertProbe(up, "broker", healthy: true, "up", body);
        AssertProbe(up, "outbox", healthy: true, "up", body);
        AssertProbe(up, "consumer", healthy: true, "consuming", body);
        var backlog = up.GetProperty("checks").GetProperty("outbox").GetProperty("details");
        Assert.Equal(0, backlog.GetProperty("unsent").GetInt64());
        Assert.Equal(0, backlog.GetProperty("oldest_unsent_age_seconds").GetDouble());
        Assert.Equal("no-store", response.Headers.CacheControl?.ToString());

        var published = new List<PublishedEvent>();
        var stopped = false;
        var warmUp = (await scenario.PublishAsync(new ReportCreated(Guid.NewGuid(), Guid.NewGuid(), "user", Guid.NewGuid(), "warm-up"))).Single();
        await scenario.WaitUntilAsync("a first event is handled", TimeSpan.FromSeconds(15), async () => await scenario.CountHandledAsync([warmUp.Id.ToString()]) == 1);
        await SettleAsync(declared);
        try
        {
            await LocalStack.RabbitStopAsync();
            stopped = true;
            published.AddRange(await scenario.PublishAsync(Enumerable.Range(0, 5).Select(_ => new ReportCreated(Guid.NewGuid(), Guid.NewGuid(), "user", Guid.NewGuid(), "abuse"))));
            await Task.Delay(1500); // the oldest unsent row ages

            JsonElement down = default;
            string downBody = string.Empty;
            HttpResponseMessage? downResponse = null;
            await scenario.WaitUntilAsync("health answers 503 with the broker down", TimeSpan.FromSeconds(20), async () =>
            {
                (status, downBody, downResponse) = await app.GetAsync("api/health");
                down = JsonDocument.Parse(downBody).RootElement;
                return status == HttpStatusCode.ServiceUnavailable;
            });
            Assert.Equal("unhealthy", down.GetProperty("status").GetString());
            AssertProbe(down, "broker", healthy: false, "down", downBody);
            AssertProbe(down, "database", healthy: true, "up", downBody);
            AssertProbe(down, "outbox", healthy: true, "up", downBody);
            await scenario.WaitUntilAsync("health says the consumer is reconnecting", TimeSpan.FromSeconds(20), async () =>
            {
                (_, downBody, _) = await app.GetAsync("api/health");
                return JsonDocument.Parse(downBody).RootElement.GetProperty("checks").GetProperty("consumer").GetProperty("status").GetString() == "reconnecting";
            });
            var consumer = JsonDocument.Parse(downBody).RootElement.GetProperty("checks").GetProperty("consumer");
            Assert.False(consumer.GetProperty("healthy").GetBoolean(), downBody);
            Assert.True(consumer.GetProperty("details").GetProperty("failures_in_a_row").GetInt32() >= 1, downBody);
            Assert.Equal(scenario.Queue, consumer.GetProperty("details").GetProperty("queue").GetString());
            var waiting = down.GetProperty("checks").GetProperty("outbox").GetProperty("details");
            Assert.True(waiting.GetProperty("unsent").GetInt64() == 5, downBody);
            Assert.True(waiting.GetProperty("oldest_unsent_age_seconds").GetDouble() >= 1.0, downBody);
            Assert.NotNull(downResponse);
            Assert.True(downResponse.Headers.Contains("Retry-After"), "503 without Retry-After");
        }
        finally
        {
            if (stopped)
            {
                await LocalStack.RabbitStartAsync();
            }
        }

        var clock = Stopwatch.StartNew();
        await app.WaitUntilHealthyAsync(TimeSpan.FromSeconds(30));
        var ids = published.Select(p => p.Id.ToString()).ToList();
        await scenario.WaitUntilAsync("the backlog is sent and handled after the broker came back", TimeSpan.FromSeconds(30), async () =>
            await scenario.CountHandledAsync(ids) == ids.Count && await scenario.CountUnsentAsync() == 0);
        (status, body, _) = await app.GetAsync("api/health");
        Assert.True(status == HttpStatusCode.OK, $"{(int)status} {body} (after {clock.Elapsed.TotalSeconds:F1} s)");
        AssertProbe(JsonDocument.Parse(body).RootElement, "broker", healthy: true, "up", body);
        AssertProbe(JsonDocument.Parse(body).RootElement, "consumer", healthy: true, "consuming", body);
        Assert.Equal(0, JsonDocument.Parse(body).RootElement.GetProperty("checks").GetProperty("outbox").GetProperty("details").GetProperty("unsent").GetInt64());
    }

    private static async Task SettleAsync(Stopwatch sinceDeclared)
    {
        if (sinceDeclared.Elapsed < SettleBeforeKill)
        {
            await Task.Delay(SettleBeforeKill - sinceDeclared.Elapsed);
        }
    }

    private static void AssertProbe(JsonElement health, string probe, bool healthy, string status, string body)
    {
        Assert.True(health.GetProperty("checks").TryGetProperty(probe, out var check), $"health has no '{probe}' check: {body}");
        Assert.True(check.GetProperty("healthy").GetBoolean() == healthy && check.GetProperty("status").GetString() == status, $"'{probe}' should be {status}: {body}");
    }
}
