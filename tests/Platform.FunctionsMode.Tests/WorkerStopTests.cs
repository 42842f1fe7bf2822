using System.Diagnostics;
using Platform.Contracts;
using Platform.Contracts.Events;
using Platform.FunctionsHost;
using Platform.FunctionsMode.Tests.Support;
using Platform.Testing;

namespace Platform.FunctionsMode.Tests;

/// <summary>
/// A Functions-hosted worker stopped while its consumer is busy, the two ways the host and the
/// platform stop one: WorkerTerminate over the EventStream (the host's shutdown, a scale-in) and
/// SIGTERM (the container or process manager). The worker must exit by itself within the host's
/// grace period, and no message may be acknowledged before its effect is committed: after a restart
/// every event has exactly one inbox row and one notification.
/// </summary>
public sealed class WorkerStopTests
{
    private const int Events = 1500;
    private static readonly TimeSpan GracePeriod = TimeSpan.FromSeconds(5);

    [Theory]
    [InlineData("WorkerTerminate")]
    [InlineData("SIGTERM")]
    public async Task A_worker_stopped_mid_backlog_exits_cleanly_and_loses_or_doubles_nothing(string how)
    {
        await using var apps = await FunctionsApps.CreateAsync();
        await apps.MigrateAsync("MessagingService");
        var donor = Guid.NewGuid();
        var ids = Enumerable.Range(0, Events).Select(_ => Guid.CreateVersion7()).ToList();
        await using (var broker = await BrokerClient.ConnectAsync(TestEnvironment.RabbitMqFor("donation-service", apps.BrokerUri)))
        {
            foreach (var id in ids)
            {
                var reviewed = new DonationReviewed(new DonationSnapshot(Guid.NewGuid(), donor, "Lamp", "household", "available", 2), "approve", null, Guid.NewGuid());
                await broker.PublishEnvelopeAsync(CloudEvent.Wrap(reviewed, "/donation-service", DateTimeOffset.UtcNow, id), "donation-service");
            }
        }

        var messaging = await apps.StartAsync("MessagingService");
        var host = messaging.Host!;
        await apps.WaitForAsync(async () => await HandledAsync(apps.Database, ids) >= 100, TimeSpan.FromSeconds(60), "the first 100 events handled");

        WorkerExit exit;
        if (how == "SIGTERM")
        {
            using (var kill = Process.Start("kill", ["-TERM", messaging.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
            {
                await kill.WaitForExitAsync();
            }

            exit = await host.WaitForExitAsync(GracePeriod);
        }
        else
        {
            exit = await host.TerminateAsync(GracePeriod);
        }

        var handledAtStop = await HandledAsync(apps.Database, ids);
        Assert.True(exit.ExitedOnItsOwn, $"the worker did not exit within the {GracePeriod.TotalSeconds} s grace period after {how}:{Environment.NewLine}{messaging.OutputTail}");
        Assert.True(exit.ExitCode == 0, $"the worker exited with {exit.ExitCode} after {how}:{Environment.NewLine}{messaging.OutputTail}");
        Assert.True(handledAtStop < Events, $"all {Events} events were handled before the stop: the test stopped nothing mid-backlog");
        await apps.StopAsync(messaging);

        // A new worker finishes the backlog: what was unacknowledged at the stop comes back, once.
        await apps.StartAsync("MessagingService");
        await apps.WaitForAsync(async () => await HandledAsync(apps.Database, ids) == Events, TimeSpan.FromSeconds(90), $"all {Events} events handled after the restart");
        await Task.Delay(TimeSpan.FromSeconds(1));
        Assert.Equal(Events, await HandledAsync(apps.Database, ids));
        Assert.Equal(Events, await FunctionsApps.CountAsync(apps.Database, "select count(*) from messaging.notifications where source_event_id = any(@ids)", new { ids = ids.Select(i => i.ToString()).ToArray() }));
    }

    private static Task<long> HandledAsync(string database, List<Guid> ids) =>
        FunctionsApps.CountAsync(database, "select count(*) from messaging.inbox where message_id = any(@ids)", new { ids = ids.Select(i => i.ToString()).ToArray() });
}
