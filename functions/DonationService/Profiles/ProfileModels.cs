using System.ComponentModel;
using Platform.Hosting.Auth;
using Platform.Hosting.Http;

namespace DonationService.Profiles;

public enum ProfileRole
{
    Donor,
    Recipient,
    Admin,
}

public enum RecipientStatus
{
    None,
    Requested,
    Approved,
    Rejected,
}

public enum VerificationDecision
{
    Approve,
    Reject,
}

/// <summary>A profiles row.</summary>
public sealed class Profile
{
    public Guid Id { get; init; }

    public string? Email { get; init; }

    public string? FullName { get; init; }

    public string? Phone { get; init; }

    public string? AvatarUrl { get; init; }

    public string? Location { get; init; }

    public string Role { get; init; } = "recipient";

    public string RecipientStatus { get; init; } = "none";

    public string? VerificationImageUrl { get; init; }

    public bool Blocked { get; init; }

    public decimal RatingAvg { get; init; }

    public int RatingCount { get; init; }

    public long Version { get; init; }

    public DateTime CreatedAt { get; init; }

    public DateTime UpdatedAt { get; init; }
}

/// <summary>Everything about a profile: for its owner and for admins.</summary>
public sealed record ProfileView(
    Guid Id,
    string? Email,
    string? FullName,
    string? Phone,
    string? AvatarUrl,
    string? Location,
    [property: OneOf<ProfileRole>] string Role,
    [property: OneOf<RecipientStatus>] string RecipientStatus,
    string? VerificationImageUrl,
    bool Blocked,
    decimal RatingAvg,
    int RatingCount,
    DateTime CreatedAt,
    DateTime UpdatedAt)
{
    public static ProfileView From(Profile p) => new(
        p.Id, p.Email, p.FullName, p.Phone, p.AvatarUrl, p.Location, p.Role, p.RecipientStatus,
        p.VerificationImageUrl, p.Blocked, p.RatingAvg, p.RatingCount, p.CreatedAt, p.UpdatedAt);
}

/// <summary>What anyone may see of a profile.</summary>
public sealed record PublicProfileView(
    Guid Id, string? FullName, string? AvatarUrl, string? Location, [property: OneOf<ProfileRole>] string Role, decimal RatingAvg, int RatingCount)
{
    public static PublicProfileView From(Profile p) => new(p.Id, p.FullName, p.AvatarUrl, p.Location, p.Role, p.RatingAvg, p.RatingCount);
}

/// <summary>full_name, phone, avatar_url and location replace the profile's (absent or null clears them).</summary>
public sealed record UpdateProfileBody(
    [property: Text(1, 120)] string? FullName,
    [property: Text(3, 32), Pattern(@"^\+?[0-9 ()\-]{3,32}$", "may contain only digits, spaces, parentheses, dashes and a leading +")] string? Phone,
    [property: Url] string? AvatarUrl,
    [property: Text(1, 200)] string? Location,
    [property: OneOf<ProfileRole>(Except = "admin"), Description("Absent leaves the role unchanged; nobody becomes admin through the API.")] string? Role)
    : ICheckedInput
{
    public void Check(Validation validation, Caller? caller)
    {
        if (caller is { IsAdmin: true } && EnumText.TryParse<ProfileRole>(Role, out var role) && role != ProfileRole.Admin)
        {
            validation.Add("role", "an admin's role follows the admin grant and cannot be changed here");
        }
    }

    public ProfileChanges ToChanges() => new(FullName, Phone, AvatarUrl, Location, Role is null ? null : EnumText.Parse<ProfileRole>(Role));
}

public sealed record VerificationRequestBody([property: Required, Url] string? VerificationImageUrl);

public sealed record VerificationDecisionBody([property: Required, OneOf<VerificationDecision>] string? Decision)
{
    public VerificationDecision ToDecision() => EnumText.Parse<VerificationDecision>(Decision!);
}

/// <summary>Checked changes to one's own profile.</summary>
public sealed record ProfileChanges(string? FullName, string? Phone, string? AvatarUrl, string? Location, ProfileRole? Role);
