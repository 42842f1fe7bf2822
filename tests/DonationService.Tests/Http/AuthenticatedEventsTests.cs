using System.Text;
using Dapper;
using Npgsql;
using Platform.Contracts;
using Platform.Contracts.Events;
using Platform.Eventing;
using Platform.Testing;
using RabbitMQ.Client;
using RabbitMQ.Client.Exceptions;

namespace DonationService.Tests.Http;

/// <summary>
/// Issue 18, authenticated events: another service's broker credential cannot make donation-service
/// block a user or hand over an item. The broker refuses a routing key outside the user's topic
/// permission; what a forger can still route (through the retry exchange) is parked by the consumer
/// with the reason; and a claim whose donor is not the donation's donor is refused by the handler.
/// </summary>
[Collection(DonationServiceCollection.Name)]
public sealed class AuthenticatedEventsTests(DonationServiceFixture api)
{
    private const string ParkingQueue = "donation-service.parking";

    [Fact]
    public async Task The_broker_refuses_a_report_resolved_published_with_campaign_service_credentials()
    {
        var victim = await api.NewUserAsync("donor");
        var forged = Forged(victim.Id);
        var factory = new ConnectionFactory { Uri = new Uri(TestEnvironment.RabbitMqFor("campaign-service")), AutomaticRecoveryEnabled = false };
        await using var connection = await factory.CreateConnectionAsync();
        await using var channel = await connection.CreateChannelAsync(new CreateChannelOptions(publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: true));

        var refused = await Record.ExceptionAsync(async () =>
        {
            await channel.BasicPublishAsync(EventingOptions.EventsExchange, forged.Type, mandatory: false, Properties(forged, "campaign-service"), forged.ToUtf8Bytes());
            // A refused publish closes the channel; the next call on it fails if the confirm did not already.
            await channel.BasicPublishAsync(EventingOptions.EventsExchange, forged.Type, mandatory: false, Properties(forged, "campaign-service"), forged.ToUtf8Bytes());
        });

        Assert.NotNull(refused);
        var reason = channel.CloseReason;
        Assert.NotNull(reason);
        Assert.Equal(Constants.AccessRefused, reason.ReplyCode);
        Assert.Contains("report.resolved", reason.ReplyText, StringComparison.Ordinal);
        Assert.Contains("campaign-service", reason.ReplyText, StringComparison.Ordinal);
        await Task.Delay(1500); // what a delivered forgery would take to be handled
        Assert.False(await BlockedAsync(victim.Id));
    }

    [Fact]
    public async Task A_report_resolved_forged_through_the_retry_exchange_by_campaign_service_is_parked_and_blocks_nobody()
    {
        // campaign-service may write to platform.retry (its own retries), a direct exchange that topic
        // permissions do not cover: routed to donation-service's retry queue, the forgery reaches the
        // consumer a second later, claiming messaging-service in its source and app-id. Its user-id
        // is campaign-service's: RabbitMQ sets nothing else for that connection.
        var victim = await api.NewUserAsync("donor");
        var forged = Forged(victim.Id);
        var factory = new ConnectionFactory { Uri = new Uri(TestEnvironment.RabbitMqFor("campaign-service")), AutomaticRecoveryEnabled = false };
        await using (var connection = await factory.CreateConnectionAsync())
        await using (var channel = await connection.CreateChannelAsync(new CreateChannelOptions(publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: true)))
        {
            await channel.BasicPublishAsync(EventingOptions.RetryExchange, "donation-service.retry.1000ms", mandatory: true, Properties(forged, "campaign-service"), forged.ToUtf8Bytes());
        }

        var reason = await ParkedReasonAsync(forged.Id);

        Assert.Contains("broker user 'campaign-service'", reason, StringComparison.Ordinal);
        Assert.Contains("only messaging-service publishes it", reason, StringComparison.Ordinal);
        Assert.False(await BlockedAsync(victim.Id));
        Assert.Equal(0L, await ScalarAsync<long>("select count(*) from donation.inbox where message_id = @id", new { id = forged.Id }));
    }

    [Fact]
    public async Task The_real_messaging_service_user_still_blocks_through_report_resolved()
    {
        // The control of the two tests above: the same event from its declared publisher is applied.
        var victim = await api.NewUserAsync("donor");
        await using (var publisher = new ServiceEventPublisher())
        {
            await publisher.PublishEnvelopeAsync(Forged(victim.Id));
        }

        Assert.True(await EventuallyAsync(() => BlockedAsync(victim.Id)), "messaging-service's own report.resolved did not block the user");
    }

    [Fact]
    public async Task A_request_approved_whose_donor_is_not_the_donations_donor_claims_nothing()
    {
        var (_, donation) = await api.AvailableDonationAsync();
        var request = new RequestParties(Guid.NewGuid(), donation, DonorId: Guid.NewGuid(), RecipientId: Guid.NewGuid());
        var envelope = ServiceEventPublisher.Wrap(new RequestApproved(request));
        await using (var publisher = new ServiceEventPublisher())
        {
            // Sent as request-service itself: a compromised or mistaken request-service, not a forger.
            await publisher.PublishEnvelopeAsync(envelope);
        }

        Assert.True(
            await EventuallyAsync(async () => await ScalarAsync<long>("select count(*) from donation.inbox where message_id = @id", new { id = envelope.Id }) == 1),
            "donation-service did not handle the request.approved");
        Assert.Equal("available", await ScalarAsync<string>("select status from donation.donations where id = @donation", new { donation }));
        Assert.Equal(0L, await ScalarAsync<long>(
            "select count(*) from donation.outbox where event_type = 'donation.claimed' and envelope::jsonb -> 'data' ->> 'request_id' = @request",
            new { request = request.RequestId.ToString() }));
        Assert.Equal(1L, await ScalarAsync<long>(
            "select count(*) from donation.outbox where event_type = 'donation.claim_rejected' and envelope::jsonb -> 'data' ->> 'request_id' = @request and envelope::jsonb -> 'data' ->> 'reason' = 'donor_mismatch'",
            new { request = request.RequestId.ToString() }));
    }

    /// <summary>A report.resolved blocking <paramref name="victim"/>, claiming to come from messaging-service.</summary>
    private static CloudEvent Forged(Guid victim) =>
        ServiceEventPublisher.Wrap(new ReportResolved(Guid.NewGuid(), "user", victim, "resolved", "block_user", victim, Guid.NewGuid()));

    private static BasicProperties Properties(CloudEvent envelope, string user) => new()
    {
        MessageId = envelope.Id,
        Type = envelope.Type,
        ContentType = CloudEvent.EnvelopeContentType,
        DeliveryMode = DeliveryModes.Persistent,
        AppId = Publishers.Messaging,
        UserId = user,
        Timestamp = new AmqpTimestamp(DateTimeOffset.UtcNow.ToUnixTimeSeconds()),
    };

    /// <summary>Looks through donation-service's parking queue (without taking anything off it) for <paramref name="messageId"/>'s failure reason.</summary>
    private static async Task<string> ParkedReasonAsync(string messageId)
    {
        var factory = new ConnectionFactory { Uri = new Uri(TestEnvironment.RabbitMq), AutomaticRecoveryEnabled = false };
        await using var connection = await factory.CreateConnectionAsync();
        for (var attempt = 0; attempt < 120; attempt++)
        {
            // Unacknowledged gets go back to the queue when the channel closes.
            await using (var channel = await connection.CreateChannelAsync())
            {
                while (await channel.BasicGetAsync(ParkingQueue, autoAck: false) is { } message)
                {
                    if (message.BasicProperties.MessageId == messageId)
                    {
                        return MessageHeaders.GetString(message.BasicProperties.Headers, MessageHeaders.FailureReason) ?? "(no reason)";
                    }
                }
            }

            await Task.Delay(250);
        }

        Assert.Fail($"{messageId} was not parked in {ParkingQueue} within 30 s");
        return string.Empty;
    }

    private static async Task<bool> EventuallyAsync(Func<Task<bool>> condition)
    {
        for (var i = 0; i < 120; i++)
        {
            if (await condition())
            {
                return true;
            }

            await Task.Delay(250);
        }

        return false;
    }

    private static Task<bool> BlockedAsync(Guid user) =>
        ScalarAsync<bool>("select blocked from donation.profiles where id = @user", new { user });

    private static async Task<T> ScalarAsync<T>(string sql, object parameters)
    {
        await using var connection = new NpgsqlConnection(TestEnvironment.Require("DonationDbConnection"));
        return (await connection.ExecuteScalarAsync<T>(sql, parameters))!;
    }
}
