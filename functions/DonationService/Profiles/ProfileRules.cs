using Platform.Hosting.Auth;
using Platform.Hosting.Http;

namespace DonationService.Profiles;

/// <summary>The rules of profiles, free of HTTP and SQL.</summary>
public static class ProfileRules
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

    /// <summary>Who may upload verification documents: whoever may ask to be verified (a caller with no profile yet starts with the token's role).</summary>
    public static Failure? CanUploadVerificationDocument(Caller caller, Profile? profile) =>
        profile is not null ? CanRequestVerification(profile)
        : InitialRole(caller) == ProfileRole.Recipient ? null
        : Result.Forbidden("Only recipients can ask to be verified.");

    /// <summary>An admin decides a verification that was requested.</summary>
    public static Result<RecipientStatus> Decide(Profile profile, VerificationDecision decision) =>
        profile.RecipientStatus != "requested"
            ? Result.Conflict($"Only a requested verification can be decided (recipient_status: {profile.RecipientStatus}).")
            : decision == VerificationDecision.Approve ? RecipientStatus.Approved : RecipientStatus.Rejected;

    public static Failure? CanBlock(Profile profile, bool block) =>
        profile.Role == "admin" && block ? Result.Forbidden("An admin cannot be blocked; revoke the admin grant first.")
        : profile.Blocked == block ? Result.Conflict($"The user is already {(block ? "blocked" : "not blocked")} (blocked: {(profile.Blocked ? "true" : "false")}).")
        : null;
}
