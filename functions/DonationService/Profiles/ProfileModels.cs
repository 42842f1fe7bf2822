using System.ComponentModel;
using Platform.Blobs;
using Platform.Hosting.Auth;
using Platform.Hosting.Http;

namespace DonationService.Profiles;

public enum ProfileRole
{
    Donor,
    Recipient,
    Admin,
}

/// <summary>Which view of a profile a response is: all of it (its owner, admins) or what anyone may see.</summary>
public enum ProfileViewKind
{
    Full,
    Public,
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

    public double? Latitude { get; init; }

    public double? Longitude { get; init; }

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
    [property: Description("A document URL written before uploads existed (read only; new requests attach verification_documents and clear it).")] string? VerificationImageUrl,
    [property: Description("The documents of the latest verification request, in order; each url is a read-only URL valid for a few minutes.")]
    IReadOnlyList<FileView> VerificationDocuments,
    bool Blocked,
    decimal RatingAvg,
    int RatingCount,
    DateTime CreatedAt,
    DateTime UpdatedAt,
    [property: Description("The default location of new donations (WGS 84 degrees), private to the user and admins.")] double? Latitude,
    double? Longitude)
{
    /// <summary>Tells this view from <see cref="PublicProfileView"/> in GET /profiles/{id}.</summary>
    [OneOf<ProfileViewKind>(Except = "public")]
    [Description("`full`: every field, for the user themself and admins (`public` is the view anyone else gets).")]
    public string View => "full";

    /// <summary>The view with the given verification documents (built with their read URLs by DonationService.Files.ProfileViews).</summary>
    public static ProfileView From(Profile p, IReadOnlyList<FileView> verificationDocuments) => new(
        p.Id, p.Email, p.FullName, p.Phone, p.AvatarUrl, p.Location, p.Role, p.RecipientStatus,
        p.VerificationImageUrl, verificationDocuments, p.Blocked, p.RatingAvg, p.RatingCount, p.CreatedAt, p.UpdatedAt, p.Latitude, p.Longitude);
}

/// <summary>What anyone may see of a profile.</summary>
public sealed record PublicProfileView(
    Guid Id, string? FullName, string? AvatarUrl, string? Location, [property: OneOf<ProfileRole>] string Role, decimal RatingAvg, int RatingCount)
{
    /// <summary>Tells this view from <see cref="ProfileView"/> in GET /profiles/{id}.</summary>
    [OneOf<ProfileViewKind>(Except = "full")]
    [Description("`public`: what anyone may see (the user themself and admins get the `full` view).")]
    public string View => "public";

    public static PublicProfileView From(Profile p) => new(p.Id, p.FullName, p.AvatarUrl, p.Location, p.Role, p.RatingAvg, p.RatingCount);
}

/// <summary>full_name, phone, avatar_url and location replace the profile's (absent or null clears them).</summary>
public sealed record UpdateProfileBody(
    [property: Text(1, 120)] string? FullName,
    [property: Text(3, 32), Pattern(@"^\+?[0-9 ()\-]{3,32}$", "may contain only digits, spaces, parentheses, dashes and a leading +")] string? Phone,
    [property: Url] string? AvatarUrl,
    [property: Text(1, 200)] string? Location,
    [property: OneOf<ProfileRole>(Except = "admin"), Description("Absent leaves the role unchanged; nobody becomes admin through the API.")] string? Role,
    [property: Degrees(-90, 90), Description("The default location of the user's new donations (with longitude; both or neither). Private: only the user and admins see it.")] double? Latitude,
    [property: Degrees(-180, 180)] double? Longitude)
    : ICheckedInput
{
    public void Check(Validation validation, Caller? caller)
    {
        DonationService.Donations.Coordinates.CheckPair(validation, Latitude, Longitude);
        if (caller is { IsAdmin: true } && EnumText.TryParse<ProfileRole>(Role, out var role) && role != ProfileRole.Admin)
        {
            validation.Add("role", "an admin's role follows the admin grant and cannot be changed here");
        }
    }

    public ProfileChanges ToChanges() => new(FullName, Phone, AvatarUrl, Location, Role is null ? null : EnumText.Parse<ProfileRole>(Role), Latitude, Longitude);
}

/// <summary>
/// The body of POST /api/profiles/me/verification: the uploaded documents (issue 16). A document URL
/// (<c>verification_image_url</c>, the body before uploads) is refused with a 400 that says to upload.
/// </summary>
public sealed record VerificationRequestBody(
    [property: Required, UuidList(1, 2), Description("blob_ids of upload slots of kind verification_document whose files were PUT (a JPEG, PNG or WebP photo or a PDF, at most 5 MiB each), in the order to show them. They replace the documents of an earlier request.")]
    IReadOnlyList<string>? DocumentIds,
    [property: Url, Description("No longer accepted (400): upload the document (POST /api/uploads with kind verification_document), PUT it, and send its blob_id in document_ids.")]
    string? VerificationImageUrl)
    : ICheckedInput
{
    public void Check(Validation validation, Caller? caller)
    {
        if (VerificationImageUrl is not null)
        {
            validation.Add(
                "verification_image_url",
                "document URLs are no longer accepted: upload the document (POST /api/uploads with kind verification_document, then PUT the file to its upload_url) and send its blob_id in document_ids");
        }
    }

    public IReadOnlyList<Guid> ToIds() => [.. DocumentIds!.Select(Guid.Parse)];
}

public sealed record VerificationDecisionBody([property: Required, OneOf<VerificationDecision>] string? Decision)
{
    public VerificationDecision ToDecision() => EnumText.Parse<VerificationDecision>(Decision!);
}

/// <summary>Checked changes to one's own profile.</summary>
public sealed record ProfileChanges(string? FullName, string? Phone, string? AvatarUrl, string? Location, ProfileRole? Role, double? Latitude = null, double? Longitude = null);
