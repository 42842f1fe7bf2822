using CampaignService.Campaigns;
using CampaignService.Profiles;
using Platform.Hosting.Auth;
using Platform.Hosting.Http;

namespace CampaignService.Contributions;

/// <summary>The rules of contributions: amounts, who may give, who may read.</summary>
public static class ContributionRules
{
    /// <summary>The bounds of a contribution, in the currency's units ([Money] on <see cref="ContributionBody.Amount"/> takes doubles).</summary>
    public const double MinAmount = 0.01;
    public const double MaxAmount = 1_000_000;

    /// <summary>Anyone signed in and not blocked gives to an active campaign they can see.</summary>
    public static Failure? CanContribute(Campaign campaign, Caller caller, ProfileCopy? profile) =>
        !CampaignRules.IsVisibleTo(campaign, caller) ? Result.NotFound("No such campaign.")
        : profile is { Blocked: true } ? Result.Forbidden("Your account is blocked.")
        : campaign.State != CampaignStatus.Active ? Result.Conflict($"Only an active campaign takes contributions (status: {campaign.Status}).")
        : null;

    /// <summary>
    /// Who reads a campaign's contributions: 404 when the campaign is hidden from the caller;
    /// otherwise the owner and admins read all of them (null), anyone else only their own.
    /// </summary>
    public static Result<Guid?> ReadableContributor(Campaign campaign, Caller caller) =>
        !CampaignRules.IsVisibleTo(campaign, caller) ? Result.NotFound("No such campaign.")
        : caller.IsAdmin || caller.UserId == campaign.RecipientId ? new Result<Guid?>(ResultKind.Ok, null, null)
        : caller.UserId;
}
