using CampaignService.Campaigns;
using CampaignService.Profiles;
using Platform.Hosting.Auth;
using Platform.Hosting.Http;

namespace CampaignService.Contributions;

/// <summary>The rules of contributions: amounts, who may give, who may read.</summary>
public static class ContributionRules
{
    public const decimal MinAmount = 0.01m;
    public const decimal MaxAmount = 1_000_000m;

    public static Result<decimal> ValidateAmount(ContributionBody body)
    {
        var v = new Validation();
        var amount = v.Money("amount", body.Amount, MinAmount, MaxAmount, required: true);
        return v.IsValid ? amount!.Value : new Failure(ResultKind.Invalid, "One or more fields are invalid.", v.Errors);
    }

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
