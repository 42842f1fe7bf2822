using System.ComponentModel;
using System.Text.Json.Serialization;
using Platform.Blobs;
using Platform.Hosting.Auth;
using Platform.Hosting.Http;

namespace DonationService.Donations;

public enum DonationStatus
{
    Pending,
    Available,
    Rejected,
    Claimed,
    Completed,
    Expired,
}

/// <summary>The state of a donated item (issue 17).</summary>
public enum DonationCondition
{
    New,
    LikeNew,
    Good,
    Fair,
}

public enum DonationCategory
{
    Clothing,
    Furniture,
    Electronics,
    Books,
    Toys,
    Kitchen,
    Food,
    Baby,
    Sports,
    Household,
    Other,
}

public enum ReviewDecision
{
    Approve,
    Reject,
}

/// <summary>A donations row.</summary>
public sealed class Donation
{
    public Guid Id { get; init; }

    public Guid DonorId { get; init; }

    public string Title { get; init; } = string.Empty;

    public string? Description { get; init; }

    public string Category { get; init; } = "other";

    public string? Location { get; init; }

    public string? ImageUrl { get; init; }

    public string Status { get; init; } = "pending";

    public string? ReviewReason { get; init; }

    public string? PickupInstructions { get; init; }

    public int Quantity { get; init; } = 1;

    public string? Condition { get; init; }

    public DateTime? ExpiresAt { get; init; }

    public long Version { get; init; }

    public DateTime CreatedAt { get; init; }

    public DateTime UpdatedAt { get; init; }

    public DateTime? DeletedAt { get; init; }

    /// <summary>When a material edit last sent the donation back to review (issue 18).</summary>
    public DateTime? ResubmittedAt { get; init; }
}

public sealed record DonationView(
    Guid Id,
    Guid DonorId,
    string Title,
    string? Description,
    [property: OneOf<DonationCategory>] string Category,
    string? Location,
    string? ImageUrl,
    [property: OneOf<DonationStatus>] string Status,
    string? ReviewReason,
    DateTime CreatedAt,
    DateTime UpdatedAt,
    [property: Description("Uploaded photos in order (at most 5), each with its public URL. image_url is the older free-form URL, still kept.")] IReadOnlyList<FileView> Images,
    [property: Description("Private: shown to the donor and admins only (null for everyone else); the recipient of an approved request reads it through GET /api/donations/{id}/contact.")] string? PickupInstructions,
    int Quantity,
    [property: OneOf<DonationCondition>] string? Condition,
    [property: Description("When the item stops being offered; a pending or available donation then becomes expired and leaves the listings.")] DateTime? ExpiresAt,
    [property: Description("Shown to the donor and admins (null for everyone else): when an edit of the title, description, category or photos last sent the approved donation back to review; with status pending, the edit awaits an admin.")] DateTime? ResubmittedAt)
{
    /// <summary>The view for <paramref name="caller"/>: pickup instructions only for the donor and admins.</summary>
    public static DonationView From(Donation d, IReadOnlyList<FileView> images, Caller? caller = null) => new(
        d.Id, d.DonorId, d.Title, d.Description, d.Category, d.Location, d.ImageUrl, d.Status, d.ReviewReason, d.CreatedAt, d.UpdatedAt, images,
        caller is not null && (caller.IsAdmin || caller.UserId == d.DonorId) ? d.PickupInstructions : null,
        d.Quantity, d.Condition, d.ExpiresAt,
        caller is not null && (caller.IsAdmin || caller.UserId == d.DonorId) ? d.ResubmittedAt : null);
}

/// <summary>The body of a create or an update, with its rules.</summary>
public sealed record DonationBody(
    [property: Required, Text(1, 120)] string? Title,
    [property: Text(0, 2000)] string? Description,
    [property: Required, OneOf<DonationCategory>] string? Category,
    [property: Text(1, 200)] string? Location,
    [property: Url] string? ImageUrl,
    [property: Text(1, 500), Description("Private to the donor, admins and the recipient of the approved request (e.g. \"ring at flat 3 after 6 pm\").")] string? PickupInstructions,
    [property: Range(1, 1000), Description("How many (absent: 1).")] int? Quantity,
    [property: OneOf<DonationCondition>] string? Condition,
    [property: FutureTime(DonationBody.MaxExpiryDays), Description("Optional: when the offer ends (food!). In the future, at most 365 days ahead; absent: never.")] string? ExpiresAt)
{
    public const int MaxExpiryDays = 365;

    /// <summary>The checked fields (an empty description is none).</summary>
    public DonationFields ToFields() =>
        new(Title!, string.IsNullOrEmpty(Description) ? null : Description, EnumText.Parse<DonationCategory>(Category!), Location, ImageUrl, PickupInstructions,
            Quantity ?? 1, Condition, FutureTimeAttribute.Parse(ExpiresAt));
}

public sealed record ReviewBody([property: Required, OneOf<ReviewDecision>] string? Decision, [property: Text(1, 500)] string? Reason)
{
    public ReviewDecision ToDecision() => EnumText.Parse<ReviewDecision>(Decision!);
}

/// <summary>The checked fields of a create or update.</summary>
public sealed record DonationFields(
    string Title, string? Description, DonationCategory Category, string? Location, string? ImageUrl, string? PickupInstructions = null,
    int Quantity = 1, string? Condition = null, DateTime? ExpiresAt = null);

/// <summary>The list query; the visibility rule is applied in SQL from the caller.</summary>
public sealed record DonationFilter(
    [property: Description("Only donations in this state.")] DonationStatus? Status,
    [property: Description("Only this category.")] DonationCategory? Category,
    [property: Description("Only this donor's donations.")] Guid? DonorId,
    [property: JsonPropertyName("q"), Text(1, 100), Description("Words in the title.")] string? Query);
