using System.Text.RegularExpressions;
using Platform.Hosting.Auth;
using Platform.Hosting.Http;

namespace DonationService.Profiles;

/// <summary>The rules of profiles, free of HTTP and SQL.</summary>
public static partial class ProfileRules
{
    public static bool IsBlocked(Profile? profile) => profile?.Blocked == true;

    /// <summary>The role a new profile starts with: admin from the token, else the sign-up choice, else recipient.</summary>
    public static ProfileRole InitialRole(Caller caller) =>
        caller.IsAdmin ? ProfileRole.Admin
        : caller.SignupRole == "donor" ? ProfileRole.Donor
        : ProfileRole.Recipient;

    /// <summary>The profile's role mirrors the token's admin claim: gained or lost at the next visit.</summary>
    public static ProfileRole? MirroredRole(Caller caller, Profile profile)
    {
        var role = EnumText.Parse<ProfileRole>(profile.Role);
        return caller.IsAdmin && role != ProfileRole.Admin ? ProfileRole.Admin
            : !caller.IsAdmin && role == ProfileRole.Admin ? ProfileRole.Recipient
            : null;
    }

    public static Result<ProfileChanges> ValidateUpdate(UpdateProfileBody body, Caller caller)
    {
        var v = new Validation();
        var fullName = v.Text("full_name", body.FullName, 1, 120, required: false);
        var phone = v.Text("phone", body.Phone, 3, 32, required: false);
        if (phone is not null && !PhonePattern().IsMatch(phone))
        {
            v.Add("phone", "may contain only digits, spaces, parentheses, dashes and a leading +");
        }

        var avatar = v.Url("avatar_url", body.AvatarUrl);
        var location = v.Text("location", body.Location, 1, 200, required: false);
        var role = v.OneOf<ProfileRole>("role", body.Role, required: false);
        if (role == ProfileRole.Admin)
        {
            v.Add("role", "must be donor or recipient; admin is granted outside the API");
        }
        else if (role is not null && caller.IsAdmin)
        {
            v.Add("role", "an admin's role follows the admin grant and cannot be changed here");
        }

        return v.IsValid
            ? new ProfileChanges(fullName, phone, avatar, location, role)
            : new Failure(ResultKind.Invalid, "One or more fields are invalid.", v.Errors);
    }

    public static Failure? CanRequestVerification(Profile profile)
    {
        if (profile.Blocked)
        {
            return Result.Forbidden("Your account is blocked.");
        }

        if (profile.Role != "recipient")
        {
            return Result.Forbidden("Only recipients can ask to be verified.");
        }

        return profile.RecipientStatus == "approved"
            ? Result.Conflict("Verification is already approved (recipient_status: approved).")
            : null;
    }

    /// <summary>An admin decides a verification that was requested.</summary>
    public static Result<RecipientStatus> Decide(Profile profile, VerificationDecision decision) =>
        profile.RecipientStatus != "requested"
            ? Result.Conflict($"Only a requested verification can be decided (recipient_status: {profile.RecipientStatus}).")
            : decision == VerificationDecision.Approve ? RecipientStatus.Approved : RecipientStatus.Rejected;

    public static Failure? CanBlock(Profile profile, bool block) =>
        profile.Role == "admin" && block ? Result.Forbidden("An admin cannot be blocked; revoke the admin grant first.")
        : profile.Blocked == block ? Result.Conflict($"The user is already {(block ? "blocked" : "not blocked")} (blocked: {(profile.Blocked ? "true" : "false")}).")
        : null;

    [GeneratedRegex(@"^\+?[0-9 ()\-]{3,32}$")]
    private static partial Regex PhonePattern();
}
