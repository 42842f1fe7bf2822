using CampaignService.Campaigns;
using CampaignService.Contributions;
using CampaignService.Moderation;
using CampaignService.Profiles;
using Microsoft.Extensions.Logging.Abstractions;
using Moq;
using Platform.Contracts;
using Platform.Contracts.Events;
using Platform.Eventing;
using static CampaignService.Tests.Support.FunctionHarness;

namespace CampaignService.Tests.Profiles;

/// <summary>The event handlers keep the profile copy, pause a blocked owner's campaigns and carry out removals.</summary>
public sealed class ProfileEventHandlersTests
{
    private readonly Mock<IProfileCopyStore> _profiles = new(MockBehavior.Strict);
    private readonly Mock<ICampaignStore> _campaigns = new(MockBehavior.Strict);
    private readonly EventContext _context = new(CloudEvent.Wrap(new ProfileCreated(Snapshot()), "/test", DateTimeOffset.UtcNow), DetachedWork(), 1);

    private readonly Mock<IContributionStore> _contributions = new(MockBehavior.Strict);

    private CampaignWorkflow Workflow =>
        new(_campaigns.Object, _contributions.Object, NullLogger<CampaignWorkflow>.Instance);

    [Fact]
    public async Task Profile_events_apply_their_snapshot_to_the_copy()
    {
        var snapshot = Snapshot(status: "approved", version: 4);
        _profiles.Setup(p => p.ApplyAsync(_context.Work, snapshot, It.IsAny<CancellationToken>())).ReturnsAsync(true);
        var handler = new ProfileCopyHandler(_profiles.Object);

        await handler.HandleAsync(new ProfileCreated(snapshot), _context, CancellationToken.None);
        await handler.HandleAsync(new ProfileUpdated(snapshot), _context, CancellationToken.None);
        await handler.HandleAsync(new ProfileVerificationDecided(snapshot, "approved", AdminId), _context, CancellationToken.None);
        await handler.HandleAsync(new ProfileUnblocked(snapshot, AdminId), _context, CancellationToken.None);

        _profiles.Verify(p => p.ApplyAsync(_context.Work, snapshot, It.IsAny<CancellationToken>()), Times.Exactly(4));
    }

    [Fact]
    public async Task ProfileBlocked_pauses_the_active_campaigns_of_a_user_whose_copy_is_blocked()
    {
        var snapshot = Snapshot(blocked: true, version: 5);
        _profiles.Setup(p => p.ApplyAsync(_context.Work, snapshot, It.IsAny<CancellationToken>())).ReturnsAsync(true);
        _profiles.Setup(p => p.GetAsync(_context.Work, OwnerId, It.IsAny<CancellationToken>())).ReturnsAsync(Profile(blocked: true));
        _campaigns.Setup(c => c.LockOfRecipientAsync(_context.Work, OwnerId, CampaignStatus.Active, It.IsAny<CancellationToken>())).ReturnsAsync([Campaign("active")]);
        _campaigns.Setup(c => c.SetStatusAsync(_context.Work, CampaignId, CampaignStatus.Paused, CampaignWorkflow.OwnerBlockedReason, It.IsAny<CancellationToken>()))
            .ReturnsAsync(Campaign("paused"));

        await new ProfileBlockedHandler(_profiles.Object, Workflow).HandleAsync(new ProfileBlocked(snapshot, AdminId, "spam"), _context, CancellationToken.None);

        var changed = Assert.IsType<CampaignStatusChanged>(Assert.Single(_context.Work.PendingEvents));
        Assert.Equal(CampaignWorkflow.OwnerBlockedReason, changed.Reason);
    }

    [Fact]
    public async Task ProfileBlocked_that_arrives_after_a_newer_unblock_pauses_nothing()
    {
        var stale = Snapshot(blocked: true, version: 5);
        _profiles.Setup(p => p.ApplyAsync(_context.Work, stale, It.IsAny<CancellationToken>())).ReturnsAsync(false);
        _profiles.Setup(p => p.GetAsync(_context.Work, OwnerId, It.IsAny<CancellationToken>())).ReturnsAsync(Profile(blocked: false));

        await new ProfileBlockedHandler(_profiles.Object, Workflow).HandleAsync(new ProfileBlocked(stale, AdminId, null), _context, CancellationToken.None);

        _campaigns.VerifyNoOtherCalls();
        Assert.Empty(_context.Work.PendingEvents);
    }

    [Fact]
    public async Task ReportResolved_with_remove_campaign_deletes_the_campaign_in_the_name_of_the_resolving_admin()
    {
        _campaigns.Setup(c => c.LockAsync(_context.Work, CampaignId, It.IsAny<CancellationToken>())).ReturnsAsync(Campaign("active"));
        _campaigns.Setup(c => c.SoftDeleteAsync(_context.Work, CampaignId, AdminId, It.IsAny<CancellationToken>())).ReturnsAsync(Campaign("active", deleted: true));
        _contributions.Setup(c => c.QueueRefundsAsync(_context.Work, CampaignId, CampaignWorkflow.CampaignRemoved, It.IsAny<CancellationToken>())).ReturnsAsync(2);

        await new ReportResolvedHandler(Workflow).HandleAsync(Report("campaign", "remove_campaign"), _context, CancellationToken.None);

        Assert.Equal(AdminId, Assert.IsType<CampaignDeleted>(Assert.Single(_context.Work.PendingEvents)).DeletedBy);
        _contributions.Verify(c => c.QueueRefundsAsync(_context.Work, CampaignId, CampaignWorkflow.CampaignRemoved, It.IsAny<CancellationToken>()));
    }

    [Theory]
    [InlineData("campaign", "none")]
    [InlineData("campaign", "block_user")]
    [InlineData("donation", "remove_donation")]
    [InlineData("donation", "remove_campaign")]
    public async Task ReportResolved_with_any_other_action_or_target_changes_nothing(string targetType, string action)
    {
        await new ReportResolvedHandler(Workflow).HandleAsync(Report(targetType, action), _context, CancellationToken.None);

        _campaigns.VerifyNoOtherCalls();
        Assert.Empty(_context.Work.PendingEvents);
    }

    private static ReportResolved Report(string targetType, string action) =>
        new(Guid.NewGuid(), targetType, CampaignId, "resolved", action, null, AdminId);

    private static ProfileSnapshot Snapshot(string status = "none", bool blocked = false, long version = 1) =>
        new(OwnerId, "recipient", status, blocked, "Amina", version);
}
