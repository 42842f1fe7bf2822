using CampaignService.Campaigns;
using CampaignService.Payments;
using CampaignService.Profiles;
using Platform.Hosting.Auth;
using Platform.Hosting.Http;

namespace CampaignService.Contributions;

/// <summary>The rules of contributions: amounts, who may give, who may read.</summary>
public static class ContributionRules
{
    /// <summary>
    /// Anyone signed in and not blocked gives to an active campaign they can see and do not own, an
    /// amount within the bounds of the campaign's currency.
    /// </summary>
    public static Failure? CanContribute(Campaign campaign, Caller caller, ProfileCopy? profile, decimal amount) =>
        !CampaignRules.IsVisibleTo(campaign, caller) ? Result.NotFound("No such campaign.")
        : profile is { Blocked: true } ? Result.Forbidden("Your account is blocked.")
        : caller.UserId == campaign.RecipientId ? Result.Forbidden("You cannot contribute to your own campaign.")
        : campaign.State != CampaignStatus.Active ? Result.Conflict($"Only an active campaign takes contributions (status: {campaign.Status}).")
        : CampaignRules.PastDeadline(campaign, "contributed to") is { } late ? late
        : Currencies.Of(campaign.Currency).RefuseContribution(amount) is { } refused ? Result.Invalid("amount", refused)
        : null;

    /// <summary>
    /// Who reads a campaign's contributions: 404 when the campaign is hidden from the caller;
    /// otherwise the owner and admins read all of them (null), anyone else only their own.
    /// </summary>
    public static Result<Guid?> ReadableContributor(Campaign campaign, Caller caller) =>
        !CampaignRules.IsVisibleTo(campaign, caller) ? Result.NotFound("No such campaign.")
        : caller.IsAdmin || caller.UserId == campaign.RecipientId ? new Result<Guid?>(ResultKind.Ok, null, null)
        : caller.UserId;

    /// <summary>Who reads a contribution's receipt: its contributor, the campaign's owner, admins.</summary>
    public static bool CanRead(Contribution contribution, Campaign? campaign, Caller caller) =>
        caller.IsAdmin || caller.UserId == contribution.ContributorId || (campaign is not null && caller.UserId == campaign.RecipientId);
}
