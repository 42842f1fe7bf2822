using DonationService.Profiles;
using Platform.Hosting.Auth;
using Platform.Hosting.Http;

namespace DonationService.Donations;

/// <summary>The rules of donations: who may do what, and the state machine.</summary>
public static class DonationRules
{
    /// <summary>States anyone (also anonymous) may see.</summary>
    public static readonly IReadOnlyList<DonationStatus> PublicStates = [DonationStatus.Available, DonationStatus.Claimed, DonationStatus.Completed];

    public static readonly IReadOnlyList<DonationStatus> EditableStates = [DonationStatus.Pending, DonationStatus.Available];

    public static bool IsVisibleTo(Donation donation, Caller? caller) =>
        donation.DeletedAt is null
        && (PublicStates.Contains(EnumText.Parse<DonationStatus>(donation.Status))
            || (caller is not null && (caller.IsAdmin || caller.UserId == donation.DonorId)));

    /// <summary>Donors and admins list items; a blocked user writes nothing.</summary>
    public static Failure? CanCreate(Caller caller, Profile? profile)
    {
        if (ProfileRules.IsBlocked(profile))
        {
            return Result.Forbidden("Your account is blocked.");
        }

        if (caller.IsAdmin)
        {
            return null;
        }

        return profile is null
            ? Result.Forbidden("Create your profile first (GET /api/profiles/me) and choose the donor role.")
            : profile.Role != "donor"
                ? Result.Forbidden("Only donors can list donations; set your role to donor (PUT /api/profiles/me).")
                : null;
    }

    /// <summary>Only the owner edits, while pending or available. Someone who cannot see the item gets 404.</summary>
    public static Failure? CanUpdate(Donation donation, Caller caller, Profile? profile)
    {
        if (!IsVisibleTo(donation, caller))
        {
            return Result.NotFound("No such donation.");
        }

        if (donation.DonorId != caller.UserId)
        {
            return Result.Forbidden("Only the donor can edit this donation.");
        }

        if (ProfileRules.IsBlocked(profile))
        {
            return Result.Forbidden("Your account is blocked.");
        }

        return EditableStates.Contains(EnumText.Parse<DonationStatus>(donation.Status))
            ? null
            : Result.Conflict($"A donation can be edited only while pending or available (status: {donation.Status}).");
    }

    /// <summary>
    /// Whether an edit of an available donation goes back to review (issue 18): a change of what the
    /// public was shown and an admin approved (title, description, category, image URL). Quantity,
    /// condition, location, pickup instructions and expiry are safe and stay immediate.
    /// </summary>
    public static bool NeedsReReview(Donation donation, DonationFields edit) =>
        donation.Status == DonationStatus.Available.ToText()
        && (!string.Equals(donation.Title, edit.Title, StringComparison.Ordinal)
            || !string.Equals(donation.Description ?? string.Empty, edit.Description ?? string.Empty, StringComparison.Ordinal)
            || donation.Category != edit.Category.ToText()
            || !string.Equals(donation.ImageUrl ?? string.Empty, edit.ImageUrl ?? string.Empty, StringComparison.Ordinal));

    public static Failure? CanDelete(Donation donation, Caller caller, Profile? profile)
    {
        if (!IsVisibleTo(donation, caller))
        {
            return Result.NotFound("No such donation.");
        }

        if (caller.IsAdmin)
        {
            return null;
        }

        if (donation.DonorId != caller.UserId)
        {
            return Result.Forbidden("Only the donor or an admin can delete this donation.");
        }

        return ProfileRules.IsBlocked(profile) ? Result.Forbidden("Your account is blocked.") : null;
    }

    /// <summary>An admin reviews a pending donation: approved items become available.</summary>
    public static Result<DonationStatus> Review(Donation donation, ReviewDecision decision) =>
        donation.Status != "pending"
            ? Result.Conflict($"Only a pending donation can be reviewed (status: {donation.Status}).")
            : decision == ReviewDecision.Approve ? DonationStatus.Available : DonationStatus.Rejected;
}
