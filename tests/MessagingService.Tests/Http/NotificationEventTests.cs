using System.Text.Json;
using Platform.Contracts;
using Platform.Contracts.Events;
using static MessagingService.Tests.Http.MessagingServiceFixture;

namespace MessagingService.Tests.Http;

/// <summary>
/// Every event the catalogue marks "messaging (notify …)", published by the test straight to the
/// platform's exchange twice with the same id (a redelivery), yields exactly one notification per recipient.
/// </summary>
[Collection(MessagingServiceCollection.Name)]
public sealed class NotificationEventTests(MessagingServiceFixture app)
{
    public static TheoryData<string> EventNames =>
    [
        "profile.verification_decided", "profile.blocked", "profile.unblocked",
        "donation.reviewed", "donation.released", "donation.completed",
        "request.created", "request.rejected", "request.cancelled", "request.completed",
        "campaign.created", "campaign.updated", "campaign.reviewed", "campaign.status_changed", "campaign.contributed", "campaign.completed", "campaign.ended", "campaign.contribution_refunded",
        "campaign.update_posted",
    ];

    [Theory]
    [MemberData(nameof(EventNames))]
    public async Task Each_notifying_event_delivered_twice_yields_exactly_one_notification_per_recipient(string type)
    {
        var (message, recipients, others) = Build(type);

        var eventId = await app.Broker.PublishAsync(message, times: 2);
        await app.SettleAsync(eventId);

        foreach (var recipient in recipients)
        {
            var items = Items(await app.GetJsonAsync("api/notifications", recipient.Token));
            var notice = Assert.Single(items);
            Assert.Equal(type, notice.GetProperty("type").GetString());
            Assert.Equal(JsonValueKind.Null, notice.GetProperty("read_at").ValueKind);
            Assert.False(string.IsNullOrWhiteSpace(notice.GetProperty("title").GetString()));
        }

        foreach (var other in others)
        {
            Assert.Empty(Items(await app.GetJsonAsync("api/notifications", other.Token)));
        }

        Assert.Equal(recipients.Length, await Outbox.NotificationCountAsync(eventId));
    }

    [Fact]
    public async Task A_redelivery_the_inbox_no_longer_remembers_still_adds_no_second_notification()
    {
        var donor = app.NewUser();
        var message = new DonationReviewed(new DonationSnapshot(Guid.NewGuid(), donor.Id, "Lamp", "household", "available", 2), "approved", null, app.AdminId);
        var eventId = await app.Broker.PublishAsync(message);
        await app.EventuallyAsync(() => Outbox.HandledAsync(eventId), "the event was not handled");

        await Outbox.ForgetHandledAsync(eventId);
        await app.Broker.PublishAsync(message, id: Guid.Parse(eventId));
        await app.EventuallyAsync(() => Outbox.HandledAsync(eventId), "the redelivered event was not handled");

        Assert.Single(Items(await app.GetJsonAsync("api/notifications", donor.Token)));
        Assert.Equal(1, await Outbox.NotificationCountAsync(eventId));
    }

    [Fact]
    public async Task A_campaign_that_completes_notifies_its_owner_and_each_contributor_once()
    {
        var (owner, first, second) = (app.NewUser(), app.NewUser(), app.NewUser());
        var campaign = new CampaignSnapshot(Guid.NewGuid(), owner.Id, "Roof repair", "completed", 100m, 100m, 9);

        await app.SettleAsync(await app.Broker.PublishAsync(new CampaignCompleted(campaign, [first.Id, second.Id, first.Id, owner.Id]), times: 2));

        Assert.Equal("Your campaign reached its goal", Items(await app.GetJsonAsync("api/notifications", owner.Token)).Single().GetProperty("title").GetString());
        foreach (var contributor in new[] { first, second })
        {
            var notice = Items(await app.GetJsonAsync("api/notifications", contributor.Token)).Single();
            Assert.Equal(campaign.CampaignId, notice.GetProperty("data").GetProperty("campaign_id").GetGuid());
        }
    }

    /// <summary>An event of <paramref name="type"/> about two fresh users, who must hear of it, and who must not.</summary>
    private (IIntegrationEvent Message, TestUser[] Recipients, TestUser[] Others) Build(string type)
    {
        var (a, b) = (app.NewUser(), app.NewUser());
        var profile = new ProfileSnapshot(a.Id, "recipient", "approved", false, "Dana", 2);
        var donation = new DonationSnapshot(Guid.NewGuid(), a.Id, "Oak chair", "furniture", "available", 2);
        var request = new RequestParties(Guid.NewGuid(), Guid.NewGuid(), a.Id, b.Id);
        var campaign = new CampaignSnapshot(Guid.NewGuid(), a.Id, "School books", "active", 500m, 40m, 3);
        IIntegrationEvent message = type switch
        {
            "profile.verification_decided" => new ProfileVerificationDecided(profile, "approved", app.AdminId),
            "profile.blocked" => new ProfileBlocked(profile with { Blocked = true }, app.AdminId, "spam"),
            "profile.unblocked" => new ProfileUnblocked(profile, app.AdminId),
            "donation.reviewed" => new DonationReviewed(donation, "rejected", "blurry photo", app.AdminId),
            "donation.released" => new DonationReleased(donation.DonationId, a.Id, request.RequestId, b.Id, 3),
            "donation.completed" => new DonationCompleted(donation.DonationId, a.Id, request.RequestId, b.Id, 4),
            "request.created" => new RequestCreated(request, "I would love it"),
            "request.rejected" => new RequestRejected(request, null, WasApproved: false),
            "request.cancelled" => new RequestCancelled(request, null, WasApproved: false),
            "request.completed" => new RequestCompleted(request),
            "campaign.created" => new CampaignCreated(campaign),
            "campaign.updated" => new CampaignUpdated(campaign),
            "campaign.reviewed" => new CampaignReviewed(campaign, "approved", null, app.AdminId),
            "campaign.status_changed" => new CampaignStatusChanged(campaign, "active", "paused", null),
            "campaign.contributed" => new CampaignContributed(campaign, Guid.NewGuid(), b.Id, 12.5m),
            "campaign.completed" => new CampaignCompleted(campaign, [b.Id]),
            "campaign.ended" => new CampaignEnded(campaign with { Status = "ended" }, [b.Id, a.Id], DateTime.UtcNow),
            "campaign.contribution_refunded" => new CampaignContributionRefunded(Guid.NewGuid(), campaign.CampaignId, a.Id, 12.5m, "usd", "campaign_deleted", "re_1"),
            "campaign.update_posted" => new CampaignUpdatePosted(campaign, Guid.NewGuid(), "The books arrived", [b.Id, b.Id, a.Id]),
            _ => throw new ArgumentOutOfRangeException(nameof(type), type, null),
        };
        Assert.Equal(type, EventCatalog.NameOf(message.GetType()));
        TestUser[] recipients = type switch
        {
            "donation.released" or "donation.completed" or "campaign.completed" or "campaign.ended" => [a, b],
            "request.rejected" or "request.completed" or "campaign.update_posted" => [b],
            _ => [a],
        };
        return (message, recipients, new[] { a, b }.Except(recipients).ToArray());
    }
}
