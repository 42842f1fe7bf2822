using CampaignService.Campaigns;
using CampaignService.Contributions;
using Microsoft.Extensions.Logging.Abstractions;
using Moq;
using Platform.Contracts.Events;
using Platform.Data;
using static CampaignService.Tests.Support.FunctionHarness;

namespace CampaignService.Tests.Campaigns;

/// <summary>Each change publishes its event in the same unit of work; completion is published with the contributors.</summary>
public sealed class CampaignWorkflowTests
{
    private static readonly Guid ContributionId = Guid.Parse("0190f3a2-5c4e-7b1a-9d2e-000000000050");
    private readonly Mock<ICampaignStore> _campaigns = new(MockBehavior.Strict);
    private readonly Mock<IContributionStore> _contributions = new(MockBehavior.Strict);
    private readonly UnitOfWork _uow = DetachedWork();

    private CampaignWorkflow Workflow => new(_campaigns.Object, _contributions.Object, NullLogger<CampaignWorkflow>.Instance);

    [Fact]
    public async Task ConfirmAsync_publishes_contributed_only_while_the_goal_is_not_reached()
    {
        SetUpContribution(first: true, after: Campaign("active", goal: 100m, collected: 40m, contributors: 1), amount: 40m);

        var (confirmed, updated) = await Workflow.ConfirmAsync(_uow, Campaign("active"), Pending(40m), "pi_1", CancellationToken.None);

        var contributed = Assert.IsType<CampaignContributed>(Assert.Single(_uow.PendingEvents));
        Assert.Equal((ContributionId, OtherId, 40m, 40m), (contributed.ContributionId, contributed.ContributorId, contributed.Amount, contributed.Campaign.CollectedAmount));
        Assert.Equal(("confirmed", "active"), (confirmed.Status, updated.Status));
        _contributions.Verify(c => c.SetStatusAsync(_uow, ContributionId, ContributionStatus.Confirmed, null, "pi_1", It.IsAny<CancellationToken>()));
        _campaigns.Verify(c => c.AddContributionAsync(_uow, CampaignId, 40m, true, It.IsAny<CancellationToken>()));
    }

    [Fact]
    public async Task ConfirmAsync_counts_a_returning_contributor_once()
    {
        SetUpContribution(first: false, after: Campaign("active", goal: 100m, collected: 50m, contributors: 1), amount: 10m);

        await Workflow.ConfirmAsync(_uow, Campaign("active", collected: 40m, contributors: 1), Pending(10m), "pi_1", CancellationToken.None);

        _campaigns.Verify(c => c.AddContributionAsync(_uow, CampaignId, 10m, false, It.IsAny<CancellationToken>()));
    }

    [Fact]
    public async Task ConfirmAsync_that_reaches_the_goal_publishes_completed_with_every_contributor()
    {
        var contributors = new[] { OwnerId, OtherId };
        SetUpContribution(first: true, after: Campaign("completed", goal: 100m, collected: 120m, contributors: 2), amount: 60m);
        _contributions.Setup(c => c.ContributorIdsAsync(_uow, CampaignId, It.IsAny<CancellationToken>())).ReturnsAsync(contributors);

        await Workflow.ConfirmAsync(_uow, Campaign("active", collected: 60m, contributors: 1), Pending(60m), "pi_1", CancellationToken.None);

        Assert.Collection(
            _uow.PendingEvents,
            e => Assert.IsType<CampaignContributed>(e),
            e =>
            {
                var completed = Assert.IsType<CampaignCompleted>(e);
                Assert.Equal(contributors, completed.ContributorIds);
                Assert.Equal(("completed", 120m), (completed.Campaign.Status, completed.Campaign.CollectedAmount));
            });
    }

    [Fact]
    public async Task ChangeStatusAsync_publishes_status_changed_with_both_states_and_the_reason()
    {
        _campaigns.Setup(c => c.SetStatusAsync(_uow, CampaignId, CampaignStatus.Paused, "owner_blocked", It.IsAny<CancellationToken>()))
            .ReturnsAsync(Campaign("paused"));

        await Workflow.ChangeStatusAsync(_uow, Campaign("active"), CampaignStatus.Paused, "owner_blocked", CancellationToken.None);

        var changed = Assert.IsType<CampaignStatusChanged>(Assert.Single(_uow.PendingEvents));
        Assert.Equal(("active", "paused", "owner_blocked"), (changed.FromStatus, changed.ToStatus, changed.Reason));
    }

    [Fact]
    public async Task PauseForBlockedOwnerAsync_pauses_each_active_campaign_of_the_user()
    {
        var active = new[] { Campaign("active"), Campaign("active") };
        _campaigns.Setup(c => c.LockOfRecipientAsync(_uow, OwnerId, CampaignStatus.Active, It.IsAny<CancellationToken>())).ReturnsAsync(active);
        _campaigns.Setup(c => c.SetStatusAsync(_uow, CampaignId, CampaignStatus.Paused, CampaignWorkflow.OwnerBlockedReason, It.IsAny<CancellationToken>()))
            .ReturnsAsync(Campaign("paused"));

        var paused = await Workflow.PauseForBlockedOwnerAsync(_uow, OwnerId, CancellationToken.None);

        Assert.Equal(2, paused);
        Assert.All(_uow.PendingEvents, e => Assert.Equal(CampaignWorkflow.OwnerBlockedReason, Assert.IsType<CampaignStatusChanged>(e).Reason));
        Assert.Equal(2, _uow.PendingEvents.Count);
    }

    [Fact]
    public async Task Create_update_review_and_delete_each_publish_their_event()
    {
        var fields = new CampaignFields("Books", null, CampaignCategory.Education, null, null, 100m, null);
        _campaigns.Setup(c => c.InsertAsync(_uow, OwnerId, fields, It.IsAny<CancellationToken>())).ReturnsAsync(Campaign("pending"));
        _campaigns.Setup(c => c.UpdateAsync(_uow, CampaignId, fields, It.IsAny<CancellationToken>())).ReturnsAsync(Campaign("pending"));
        _campaigns.Setup(c => c.ReviewAsync(_uow, CampaignId, CampaignStatus.Rejected, "spam", AdminId, It.IsAny<CancellationToken>())).ReturnsAsync(Campaign("rejected"));
        _campaigns.Setup(c => c.SoftDeleteAsync(_uow, CampaignId, AdminId, It.IsAny<CancellationToken>())).ReturnsAsync(Campaign("rejected", deleted: true));
        _contributions.Setup(c => c.QueueRefundsAsync(_uow, CampaignId, CampaignWorkflow.CampaignDeleted, It.IsAny<CancellationToken>())).ReturnsAsync(0);

        await Workflow.CreateAsync(_uow, OwnerId, fields, CancellationToken.None);
        await Workflow.UpdateAsync(_uow, Campaign("pending"), fields, CancellationToken.None);
        await Workflow.ReviewAsync(_uow, Campaign("pending"), ReviewDecision.Reject, CampaignStatus.Rejected, "spam", AdminId, CancellationToken.None);
        await Workflow.DeleteAsync(_uow, Campaign("rejected"), AdminId, CampaignWorkflow.CampaignDeleted, CancellationToken.None);

        Assert.Collection(
            _uow.PendingEvents,
            e => Assert.IsType<CampaignCreated>(e),
            e => Assert.IsType<CampaignUpdated>(e),
            e => Assert.Equal(("rejected", "spam", AdminId), (((CampaignReviewed)e).Decision, ((CampaignReviewed)e).Reason, ((CampaignReviewed)e).ReviewedBy)),
            e => Assert.Equal(AdminId, Assert.IsType<CampaignDeleted>(e).DeletedBy));
    }

    [Fact]
    public async Task RemoveForReportAsync_does_nothing_for_a_campaign_that_is_already_gone()
    {
        _campaigns.Setup(c => c.LockAsync(_uow, CampaignId, It.IsAny<CancellationToken>())).ReturnsAsync((Campaign?)null);

        await Workflow.RemoveForReportAsync(_uow, CampaignId, Guid.NewGuid(), AdminId, CancellationToken.None);

        Assert.Empty(_uow.PendingEvents);
    }

    private static Contribution Pending(decimal amount) =>
        new() { Id = ContributionId, CampaignId = CampaignId, ContributorId = OtherId, Amount = amount, AmountMinor = (long)(amount * 100), CreatedAt = DateTime.UtcNow };

    private void SetUpContribution(bool first, Campaign after, decimal amount)
    {
        _contributions.Setup(c => c.SetStatusAsync(_uow, ContributionId, ContributionStatus.Confirmed, null, It.IsAny<string?>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync((UnitOfWork _, Guid id, ContributionStatus _, string? _, string? _, CancellationToken _) =>
                new Contribution { Id = id, CampaignId = CampaignId, ContributorId = OtherId, Amount = amount, AmountMinor = (long)(amount * 100), Status = "confirmed", CreatedAt = DateTime.UtcNow });
        _contributions.Setup(c => c.IsFirstOfContributorAsync(_uow, CampaignId, OtherId, It.IsAny<CancellationToken>())).ReturnsAsync(first);
        _campaigns.Setup(c => c.AddContributionAsync(_uow, CampaignId, It.IsAny<decimal>(), first, It.IsAny<CancellationToken>())).ReturnsAsync(after);
    }
}
