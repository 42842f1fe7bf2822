using Platform.Contracts.Events;
using Platform.Eventing;
using Platform.FunctionsMode.Tests.Support;
using Platform.Testing;

namespace Platform.FunctionsMode.Tests;

/// <summary>
/// A changed <c>Eventing__Queue</c> leaves the former queue behind with the events that were waiting in
/// it. <c>migrate</c> moves them to the new queue under the service's own broker user, and the real
/// messaging-service, hosted by the Functions host, handles them: its publisher check accepts a message
/// sent on by itself that names the original publisher.
/// </summary>
public sealed class RenamedQueueTests
{
    [Fact]
    public async Task Events_waiting_in_the_former_queue_are_moved_by_migrate_and_handled_from_the_new_one()
    {
        const string service = "MessagingService";
        const string renamed = "messaging-service.renamed";
        await using var apps = await FunctionsApps.CreateAsync();
        await apps.MigrateAsync(service);
        var userId = Guid.NewGuid();
        string waiting;
        await using (var publisher = new ServiceEventPublisher(apps.BrokerUri))
        {
            // Published by donation-service's own broker user while no messaging-service instance runs.
            waiting = await publisher.PublishAsync(new ProfileBlocked(new ProfileSnapshot(userId, "donor", "none", true, "Sam", 3), Guid.NewGuid(), "spam"));
        }

        var settings = apps.Settings(service);
        settings["Eventing__Queue"] = renamed;
        var options = new EventingOptions { ConnectionString = apps.BrokerUri, Queue = renamed };
        await using var broker = await BrokerClient.ConnectAsync(apps.BrokerUri);
        try
        {
            await apps.MigrateAsync(service, settings);
            await apps.StartAsync(service, settings);

            await apps.WaitForAsync(
                async () => await FunctionsApps.CountAsync(apps.Database, "select count(*) from messaging.inbox where message_id = @id", new { id = waiting }) == 1,
                TimeSpan.FromSeconds(30),
                $"messaging-service's inbox row for the moved profile.blocked {waiting}");
            Assert.Equal(1, await FunctionsApps.CountAsync(apps.Database, "select count(*) from messaging.blocked_users where user_id = @userId and blocked", new { userId }));
            Assert.Empty(await broker.DrainAsync(options.ParkingQueue));
        }
        finally
        {
            await broker.DeleteQueuesAsync([renamed, options.ParkingQueue, .. options.RetryDelays.Select(options.RetryQueue)]);
        }
    }
}
