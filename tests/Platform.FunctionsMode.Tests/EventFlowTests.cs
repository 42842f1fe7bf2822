using Npgsql;
using Platform.FunctionsMode.Tests.Support;
using Platform.Testing;

namespace Platform.FunctionsMode.Tests;

/// <summary>
/// The hosted services run inside the Functions-hosted workers: donation-service's outbox relay
/// publishes, messaging-service's consumer handles (its inbox row, the notification over HTTP), and
/// a broker outage seen by donation-service leaves HTTP served and the event kept in its outbox
/// until the broker is back.
/// </summary>
public sealed class EventFlowTests
{
    [Fact]
    public async Task An_event_from_one_functions_hosted_app_is_handled_by_another_and_survives_a_broker_outage()
    {
        await using var apps = await FunctionsApps.CreateAsync();
        await apps.MigrateAsync("DonationService");
        await apps.MigrateAsync("MessagingService");
        var brokerPort = new Uri(apps.BrokerUri).Port;
        await using var brokerLink = TcpRelay.Start(brokerPort);
        var viaLink = new UriBuilder(apps.BrokerUri) { Port = brokerLink.Port }.Uri.ToString();
        var donations = await apps.StartAsync("DonationService", apps.Settings("DonationService", broker: viaLink));
        var messaging = await apps.StartAsync("MessagingService");

        var donorId = Guid.NewGuid();
        var donor = apps.Tokens.User(donorId);
        var admin = apps.Tokens.Admin(Guid.NewGuid());
        await FunctionsApps.ExpectAsync(donations, await FunctionsApps.SendAsync(donations, HttpMethod.Get, "api/profiles/me", donor), 200);
        await FunctionsApps.ExpectAsync(donations, await FunctionsApps.SendAsync(donations, HttpMethod.Put, "api/profiles/me", donor, new { role = "donor" }), 200);

        // Broker up: the review's event goes from donation-service's relay to messaging-service's consumer.
        var first = await CreateDonationAsync(donations, donor);
        await FunctionsApps.ExpectAsync(donations, await FunctionsApps.SendAsync(donations, HttpMethod.Post, $"api/admin/donations/{first}/review", admin, new { decision = "approve" }), 200);
        var firstEvent = await ReviewEventAsync(apps.Database, first);
        await apps.WaitForAsync(() => HandledAsync(apps.Database, firstEvent), TimeSpan.FromSeconds(30), $"messaging-service's inbox row for donation.reviewed {firstEvent}");
        var notifications = await FunctionsApps.ExpectAsync(messaging, await FunctionsApps.SendAsync(messaging, HttpMethod.Get, "api/notifications", donor), 200);
        Assert.Contains(notifications.GetProperty("items").EnumerateArray(), n => n.GetRawText().Contains(first.ToString(), StringComparison.Ordinal));

        // Broker cut off from donation-service: HTTP is still served, the event waits in the outbox.
        var second = await CreateDonationAsync(donations, donor);
        brokerLink.Cut();
        await FunctionsApps.ExpectAsync(donations, await FunctionsApps.SendAsync(donations, HttpMethod.Post, $"api/admin/donations/{second}/review", admin, new { decision = "approve" }), 200);
        var secondEvent = await ReviewEventAsync(apps.Database, second);
        await Task.Delay(TimeSpan.FromSeconds(2));
        Assert.Equal(1, await FunctionsApps.CountAsync(apps.Database, "select count(*) from donation.outbox where event_id = @id and sent_at is null", new { id = secondEvent }));
        Assert.False(await HandledAsync(apps.Database, secondEvent), "the event reached messaging-service while donation-service had no broker");

        // Broker back: the relay reconnects and delivers it, once.
        brokerLink.Resume();
        await apps.WaitForAsync(() => HandledAsync(apps.Database, secondEvent), TimeSpan.FromSeconds(60), $"messaging-service's inbox row for donation.reviewed {secondEvent} after the broker came back");

        // The relay marks the row sent once the broker confirmed; the consumer may commit before that.
        await apps.WaitForAsync(
            async () => await FunctionsApps.CountAsync(apps.Database, "select count(*) from donation.outbox where event_id = @id and sent_at is null", new { id = secondEvent }) == 0,
            TimeSpan.FromSeconds(30),
            $"donation.outbox row of {secondEvent} marked sent");
        Assert.Equal(1, await FunctionsApps.CountAsync(apps.Database, "select count(*) from messaging.notifications where source_event_id = @id", new { id = secondEvent.ToString() }));
    }

    private static async Task<Guid> CreateDonationAsync(ServiceProcess donations, string donor)
    {
        var created = await FunctionsApps.ExpectAsync(donations, await FunctionsApps.SendAsync(donations, HttpMethod.Post, "api/donations", donor, new { title = "Chair " + Guid.NewGuid().ToString("N")[..6], category = "furniture" }), 201);
        return created.GetProperty("id").GetGuid();
    }

    /// <summary>The id of the donation.reviewed event the review of <paramref name="donation"/> queued (committed with it).</summary>
    private static async Task<Guid> ReviewEventAsync(string database, Guid donation)
    {
        await using var connection = new NpgsqlConnection(database);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            "select event_id from donation.outbox where event_type = 'donation.reviewed' and envelope::jsonb -> 'data' -> 'donation' ->> 'donation_id' = @id", connection);
        command.Parameters.AddWithValue("id", donation.ToString());
        return (Guid)(await command.ExecuteScalarAsync() ?? throw new InvalidOperationException($"no donation.reviewed in donation.outbox for {donation}"));
    }

    private static async Task<bool> HandledAsync(string database, Guid eventId) =>
        await FunctionsApps.CountAsync(database, "select count(*) from messaging.inbox where message_id = @id", new { id = eventId.ToString() }) == 1;
}
