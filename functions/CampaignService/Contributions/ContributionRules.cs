using CampaignService.Campaigns;
using CampaignService.Profiles;
using Platform.Hosting.Auth;
using Platform.Hosting.Http;

namespace CampaignService.Contributions;

/// <summary>The rules of contributions: amounts, who may give, who may read.</summary>
public static class ContributionRules
{
    /// <summary>The bounds of a contribution, in the currency's units ([Money] on <see cref="ContributionBody.Amount"/> takes doubles).</summary>
    /// <remarks>Above Stripe's minimum charge (0.50 in USD, EUR and GBP) and well under its eight-digit maximum.</remarks>
    public const double MinAmount = 1;
    public const double MaxAmount = 100_000;

    /// <summary>Anyone signed in and not blocked gives to an active campaign they can see and do not own.</summary>
    public static Failure? CanContribute(Campaign campaign, Caller caller, ProfileCopy? profile) =>
        !CampaignRules.IsVisibleTo(campaign, caller) ? Result.NotFound("No such campaign.")
        : profile is { Blocked: true } ? Result.Forbidden("Your account is blocked.")
        : caller.UserId == campaign.RecipientId ? Result.Forbidden("You cannot contribute to your own campaign.")
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

    /// <summary>The amount in minor units: every supported currency has two decimal places, and [Money] allows at most two.</summary>
    public static long ToMinorUnits(decimal amount) =>
        decimal.Round(amount, 2) == amount ? (long)(amount * 100) : throw new ArgumentException($"{amount} has more than two decimal places.", nameof(amount));

    /// <summary>The amount of <paramref name="minor"/> minor units, exactly.</summary>
    public static decimal FromMinorUnits(long minor) => minor / 100m;

    /// <summary>Who reads a contribution's receipt: its contributor, the campaign's owner, admins.</summary>
    public static bool CanRead(Contribution contribution, Campaign? campaign, Caller caller) =>
        caller.IsAdmin || caller.UserId == contribution.ContributorId || (campaign is not null && caller.UserId == campaign.RecipientId);
}
