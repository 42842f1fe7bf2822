using CampaignService.Campaigns;
using Platform.Hosting.Http;
using static CampaignService.Tests.Support.FunctionHarness;

namespace CampaignService.Tests.Campaigns;

/// <summary>The campaign state machine: review, pause and resume, and 409 naming the current state.</summary>
public sealed class CampaignStateMachineTests
{
    [Theory]
    [InlineData(CampaignStatus.Pending, CampaignStatus.Active, true)]
    [InlineData(CampaignStatus.Pending, CampaignStatus.Rejected, true)]
    [InlineData(CampaignStatus.Pending, CampaignStatus.Paused, false)]
    [InlineData(CampaignStatus.Pending, CampaignStatus.Completed, false)]
    [InlineData(CampaignStatus.Active, CampaignStatus.Paused, true)]
    [InlineData(CampaignStatus.Active, CampaignStatus.Completed, true)]
    [InlineData(CampaignStatus.Active, CampaignStatus.Pending, false)]
    [InlineData(CampaignStatus.Active, CampaignStatus.Rejected, false)]
    [InlineData(CampaignStatus.Paused, CampaignStatus.Active, true)]
    [InlineData(CampaignStatus.Paused, CampaignStatus.Completed, false)]
    [InlineData(CampaignStatus.Completed, CampaignStatus.Active, false)]
    [InlineData(CampaignStatus.Completed, CampaignStatus.Paused, false)]
    [InlineData(CampaignStatus.Rejected, CampaignStatus.Active, false)]
    [InlineData(CampaignStatus.Rejected, CampaignStatus.Pending, false)]
    public void CanMove_follows_the_state_machine(CampaignStatus from, CampaignStatus to, bool allowed)
    {
        Assert.Equal(allowed, CampaignRules.CanMove(from, to));
    }

    [Theory]
    [InlineData("active", null, ResultKind.Conflict)]
    [InlineData("paused", ResultKind.Conflict, null)]
    [InlineData("pending", ResultKind.Conflict, ResultKind.Conflict)]
    [InlineData("completed", ResultKind.Conflict, ResultKind.Conflict)]
    [InlineData("rejected", ResultKind.Conflict, ResultKind.Conflict)]
    public void Pause_and_resume_toggle_only_between_active_and_paused(string status, ResultKind? pause, ResultKind? resume)
    {
        var campaign = Campaign(status, collected: status == "completed" ? 100m : 0m);

        Assert.Equal(pause, CampaignRules.CanPause(campaign, Owner, Profile())?.Kind);
        Assert.Equal(resume, CampaignRules.CanResume(campaign, Owner, Profile())?.Kind);
    }

    [Fact]
    public void A_refused_transition_names_the_current_state()
    {
        var failure = CampaignRules.CanResume(Campaign("active"), Owner, Profile())!.Value;

        Assert.Contains("(status: active)", failure.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void Pause_is_403_for_a_blocked_owner_and_for_an_admin()
    {
        Assert.Equal(ResultKind.Forbidden, CampaignRules.CanPause(Campaign("active"), Owner, Profile(blocked: true))!.Value.Kind);
        Assert.Equal(ResultKind.Forbidden, CampaignRules.CanPause(Campaign("active"), Admin, null)!.Value.Kind);
    }

    [Theory]
    [InlineData(ReviewDecision.Approve, CampaignStatus.Active)]
    [InlineData(ReviewDecision.Reject, CampaignStatus.Rejected)]
    public void Review_moves_a_pending_campaign_to_active_or_rejected(ReviewDecision decision, CampaignStatus expected)
    {
        Assert.Equal(expected, CampaignRules.Review(Campaign("pending"), decision).Value);
    }

    [Theory]
    [InlineData("active")]
    [InlineData("rejected")]
    [InlineData("paused")]
    public void Review_is_409_with_the_state_unless_pending(string status)
    {
        var result = CampaignRules.Review(Campaign(status), ReviewDecision.Approve);

        Assert.Equal(ResultKind.Conflict, result.Kind);
        Assert.Contains($"(status: {status})", result.Detail, StringComparison.Ordinal);
    }
}
