using MessagingService.Notifications;
using Platform.Contracts;
using Platform.Contracts.Events;
using static MessagingService.Tests.Unit.Harness;

namespace MessagingService.Tests.Unit;

public sealed class NoticesTests
{
    private static readonly Guid UserId = Guid.Parse("0197a2c4-5555-7000-8000-000000000005");
    private static readonly Guid DonorId = Guid.Parse("0197a2c4-6666-7000-8000-000000000006");
    private static readonly Guid RecipientId = Guid.Parse("0197a2c4-7777-7000-8000-000000000007");
    private static readonly Guid RequestId = Guid.Parse("0197a2c4-8888-7000-8000-000000000008");
    private static readonly RequestParties Parties = new(RequestId, DonationId, DonorId, RecipientId);
    private static readonly ProfileSnapshot Profile = new(UserId, "recipient", "approved", false, "Dana", 3);
    private static readonly DonationSnapshot Donation = new(DonationId, DonorId, "Oak chair", "furniture", "available", 2);
    private static readonly CampaignSnapshot Campaign = new(CampaignId, RecipientId, "School books", "active", 500m, 120.5m, 4);

    /// <summary>Every event messaging notifies about, and who hears of it.</summary>
    public static TheoryData<string, IIntegrationEvent, Guid[]> Events => new()
    {
        { "verification approved", new ProfileVerificationDecided(Profile, "approved", AdminId), [UserId] },
        { "verification rejected", new ProfileVerificationDecided(Profile, "rejected", AdminId), [UserId] },
        { "blocked", new ProfileBlocked(Profile, AdminId, "spam"), [UserId] },
        { "unblocked", new ProfileUnblocked(Profile, AdminId), [UserId] },
        { "donation approved", new DonationReviewed(Donation, "approved", null, AdminId), [DonorId] },
        { "donation rejected", new DonationReviewed(Donation, "rejected", "blurry photo", AdminId), [DonorId] },
        { "donation released", new DonationReleased(DonationId, DonorId, RequestId, RecipientId, 5), [DonorId, RecipientId] },
        { "donation completed", new DonationCompleted(DonationId, DonorId, RequestId, RecipientId, 6), [DonorId, RecipientId] },
        { "request created", new RequestCreated(Parties, "I need it"), [DonorId] },
        { "request rejected", new RequestRejected(Parties, null, WasApproved: false), [RecipientId] },
        { "request cancelled by recipient", new RequestCancelled(Parties, null, WasApproved: false), [DonorId] },
        { "request cancelled for a blocked recipient", new RequestCancelled(Parties, "recipient_blocked", WasApproved: false), [DonorId] },
        { "request cancelled by a deleted donation", new RequestCancelled(Parties, "donation_deleted", WasApproved: false), [RecipientId] },
        { "donation expired (issue 17)", new DonationExpired(Donation with { Status = "expired" }, new DateTime(2026, 6, 1, 18, 0, 0, DateTimeKind.Utc)), [DonorId] },
        { "request cancelled by an expired donation (issue 17)", new RequestCancelled(Parties, "donation_expired", WasApproved: false), [RecipientId] },
        { "saga compensation", new RequestCancelled(Parties, "claim_arrived_after_request_ended", WasApproved: true), [] },
        { "request completed", new RequestCompleted(Parties), [RecipientId] },
        { "campaign created", new CampaignCreated(Campaign), [RecipientId] },
        { "campaign updated", new CampaignUpdated(Campaign), [RecipientId] },
        { "campaign reviewed", new CampaignReviewed(Campaign, "rejected", "unclear goal", AdminId), [RecipientId] },
        { "campaign paused", new CampaignStatusChanged(Campaign, "active", "paused", "owner_blocked"), [RecipientId] },
        { "campaign contributed", new CampaignContributed(Campaign, Guid.CreateVersion7(), UserId, 20m), [RecipientId] },
        { "campaign completed", new CampaignCompleted(Campaign, [UserId, OtherId, UserId, RecipientId]), [RecipientId, UserId, OtherId] },
        { "campaign ended", new CampaignEnded(Campaign, [OtherId, RecipientId, OtherId], DateTime.UtcNow), [RecipientId, OtherId] },
        { "contribution refunded", new CampaignContributionRefunded(Guid.CreateVersion7(), Guid.CreateVersion7(), UserId, 20m, "usd", "campaign_deleted", "re_1"), [UserId] },
    };

    [Theory]
    [MemberData(nameof(Events))]
    public void Each_event_notifies_exactly_the_users_it_concerns_once_with_its_type(string name, IIntegrationEvent message, Guid[] recipients)
    {
        var notices = Notices.For(message);

        Assert.True(recipients.SequenceEqual(notices.Select(n => n.UserId)), name);
        Assert.All(notices, n =>
        {
            Assert.Equal(EventCatalog.NameOf(message.GetType()), n.Type);
            Assert.InRange(n.Title.Length, 1, Notices.MaxTitle);
            Assert.InRange(n.Body?.Length ?? 0, 0, Notices.MaxBody);
            Assert.DoesNotContain(n.Data.Values, v => v is null);
        });
    }

    [Fact]
    public void Notices_link_to_what_they_are_about()
    {
        var request = Assert.Single(Notices.For(new RequestCreated(Parties, null)));
        var campaign = Assert.Single(Notices.For(new CampaignContributed(Campaign, Guid.CreateVersion7(), UserId, 20m)));

        Assert.Equal(RequestId, request.Data["request_id"]);
        Assert.Equal(DonationId, request.Data["donation_id"]);
        Assert.Equal("Someone asked for your donation.", request.Body);
        Assert.Equal(CampaignId, campaign.Data["campaign_id"]);
        Assert.Equal(20m, campaign.Data["amount"]);
        Assert.Contains("20.00", campaign.Body, StringComparison.Ordinal);
        Assert.Contains("120.50 of 500.00", campaign.Body, StringComparison.Ordinal);
    }

    [Fact]
    public void A_rejected_request_tells_the_recipient_why_in_words()
    {
        static string? Body(string? reason) => Assert.Single(Notices.For(new RequestRejected(Parties, reason, WasApproved: false))).Body;

        Assert.Equal("The donor chose another request.", Body("another_request_was_approved"));
        Assert.Equal("The item is no longer available.", Body("not_available"));
        Assert.Equal("Reason: changed my mind", Body("changed my mind"));
    }

    [Fact]
    public void Long_user_text_is_clipped_to_the_column_limits()
    {
        var notice = Assert.Single(Notices.For(new CampaignReviewed(Campaign, "rejected", new string('x', 5000), AdminId)));

        Assert.Equal(Notices.MaxBody, notice.Body!.Length);
    }

    [Fact]
    public void A_message_notice_goes_to_the_receiver_with_an_excerpt_that_never_splits_a_character()
    {
        var content = new string('a', 138) + "\U0001F600 and more text";
        var message = Message();
        var notice = Notices.MessageReceived(new MessagingService.Messages.Message
        {
            Id = message.Id, SenderId = SenderId, ReceiverId = ReceiverId, Content = content, CreatedAt = Noon,
        });

        Assert.Equal(ReceiverId, notice.UserId);
        Assert.Equal("message.sent", notice.Type);
        Assert.Equal(new string('a', 138) + "\u2026", notice.Body);
        Assert.Equal(MessageId, notice.Data["message_id"]);
        Assert.False(notice.Data.ContainsKey("donation_id"));
    }

    [Fact]
    public void Donation_and_campaign_events_name_their_owner_for_reports()
    {
        Assert.Equal(new OwnedTarget("donation", DonationId, DonorId), Notices.OwnedTargetOf(new DonationReviewed(Donation, "approved", null, AdminId)));
        Assert.Equal(new OwnedTarget("donation", DonationId, DonorId), Notices.OwnedTargetOf(new RequestCreated(Parties, null)));
        Assert.Equal(new OwnedTarget("campaign", CampaignId, RecipientId), Notices.OwnedTargetOf(new CampaignCreated(Campaign)));
        Assert.Null(Notices.OwnedTargetOf(new ProfileBlocked(Profile, AdminId, null)));
    }

    [Fact]
    public void An_event_messaging_does_not_notify_about_is_a_programming_error()
    {
        Assert.Throws<ArgumentException>(() => Notices.For(new DonationCreated(Donation)));
    }
}
