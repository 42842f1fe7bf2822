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
    string Role,
    string RecipientStatus,
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
public sealed record PublicProfileView(Guid Id, string? FullName, string? AvatarUrl, string? Location, string Role, decimal RatingAvg, int RatingCount)
{
    public static PublicProfileView From(Profile p) => new(p.Id, p.FullName, p.AvatarUrl, p.Location, p.Role, p.RatingAvg, p.RatingCount);
}

public sealed record UpdateProfileBody(string? FullName, string? Phone, string? AvatarUrl, string? Location, string? Role);

public sealed record VerificationRequestBody(string? VerificationImageUrl);

public sealed record VerificationDecisionBody(string? Decision);

/// <summary>Validated changes to one's own profile.</summary>
public sealed record ProfileChanges(string? FullName, string? Phone, string? AvatarUrl, string? Location, ProfileRole? Role);
