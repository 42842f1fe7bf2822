namespace DonationService.Donations;

public enum DonationStatus
{
    Pending,
    Available,
    Rejected,
    Claimed,
    Completed,
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

    public long Version { get; init; }

    public DateTime CreatedAt { get; init; }

    public DateTime UpdatedAt { get; init; }

    public DateTime? DeletedAt { get; init; }
}

public sealed record DonationView(
    Guid Id,
    Guid DonorId,
    string Title,
    string? Description,
    string Category,
    string? Location,
    string? ImageUrl,
    string Status,
    string? ReviewReason,
    DateTime CreatedAt,
    DateTime UpdatedAt)
{
    public static DonationView From(Donation d) => new(
        d.Id, d.DonorId, d.Title, d.Description, d.Category, d.Location, d.ImageUrl, d.Status, d.ReviewReason, d.CreatedAt, d.UpdatedAt);
}

public sealed record DonationBody(string? Title, string? Description, string? Category, string? Location, string? ImageUrl);

public sealed record ReviewBody(string? Decision, string? Reason);

/// <summary>The validated fields of a create or update.</summary>
public sealed record DonationFields(string Title, string? Description, DonationCategory Category, string? Location, string? ImageUrl);

/// <summary>A list query after validation; the visibility rule is applied in SQL from the caller.</summary>
public sealed record DonationFilter(DonationStatus? Status, DonationCategory? Category, Guid? DonorId, string? Query);
