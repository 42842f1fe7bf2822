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

    public double? Latitude { get; init; }

    public double? Longitude { get; init; }

    /// <summary>The distance from the <c>near</c> point of a list, in metres (null outside such lists).</summary>
    public double? DistanceM { get; init; }

    /// <summary>The value of a list's sort other than newest (rank, distance), as its cursor carries it.</summary>
    public double? SortKey { get; init; }

    public long Version { get; init; }

    public DateTime CreatedAt { get; init; }

    public DateTime UpdatedAt { get; init; }

    public DateTime? DeletedAt { get; init; }

    /// <summary>When a material edit last sent the donation back to review (issue 18).</summary>
    public DateTime? ResubmittedAt { get; init; }

    /// <summary>The images as a JSON array when the read selected them with the row (lists and reads by id); null otherwise.</summary>
    public string? ImagesJson { get; init; }
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
    [property: Description("Where the item is (WGS 84 degrees), if the donor gave coordinates or has a default location in their profile.")] double? Latitude,
    double? Longitude,
    [property: Description("Kilometres from the list's near point (great circle); null when the list was not asked near a point.")] double? DistanceKm,
    [property: Description("Shown to the donor and admins (null for everyone else): when an edit of the title, description, category or photos last sent the approved donation back to review; with status pending, the edit awaits an admin.")] DateTime? ResubmittedAt)
{
    /// <summary>The view for <paramref name="caller"/>: pickup instructions only for the donor and admins.</summary>
    public static DonationView From(Donation d, IReadOnlyList<FileView> images, Caller? caller = null) => new(
        d.Id, d.DonorId, d.Title, d.Description, d.Category, d.Location, d.ImageUrl, d.Status, d.ReviewReason, d.CreatedAt, d.UpdatedAt, images,
        caller is not null && (caller.IsAdmin || caller.UserId == d.DonorId) ? d.PickupInstructions : null,
        d.Quantity, d.Condition, d.ExpiresAt, d.Latitude, d.Longitude, d.DistanceM is { } metres ? Math.Round(metres / 1000, 3) : null,
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
    [property: FutureTime(DonationBody.MaxExpiryDays), Description("Optional: when the offer ends (food!). In the future, at most 365 days ahead; absent: never.")] string? ExpiresAt,
    [property: Degrees(-90, 90), Description("Where the item is, with longitude (both or neither); absent: the donor's default location from their profile, if any.")] double? Latitude,
    [property: Degrees(-180, 180)] double? Longitude) : ICheckedInput
{
    public const int MaxExpiryDays = 365;

    /// <summary>The checked fields (an empty description is none).</summary>
    public DonationFields ToFields() =>
        new(Title!, string.IsNullOrEmpty(Description) ? null : Description, EnumText.Parse<DonationCategory>(Category!), Location, ImageUrl, PickupInstructions,
            Quantity ?? 1, Condition, FutureTimeAttribute.Parse(ExpiresAt), Latitude, Longitude);

    /// <summary>Coordinates come in pairs.</summary>
    public void Check(Validation validation, Caller? caller) => Coordinates.CheckPair(validation, Latitude, Longitude);
}

public sealed record ReviewBody([property: Required, OneOf<ReviewDecision>] string? Decision, [property: Text(1, 500)] string? Reason)
{
    public ReviewDecision ToDecision() => EnumText.Parse<ReviewDecision>(Decision!);
}

/// <summary>The checked fields of a create or update.</summary>
public sealed record DonationFields(
    string Title, string? Description, DonationCategory Category, string? Location, string? ImageUrl, string? PickupInstructions = null,
    int Quantity = 1, string? Condition = null, DateTime? ExpiresAt = null, double? Latitude = null, double? Longitude = null);

/// <summary>The orders of the donation list (issue 17).</summary>
public enum DonationSort
{
    Newest,
    Relevance,
    Distance,
}

/// <summary>The list query; the visibility rule is applied in SQL from the caller.</summary>
public sealed record DonationFilter(
    [property: Description("Only donations in this state.")] DonationStatus? Status,
    [property: Description("Only this category.")] DonationCategory? Category,
    [property: Description("Only this donor's donations.")] Guid? DonorId,
    [property: JsonPropertyName("q"), Text(1, SearchTextAttribute.MaxLength), SearchText, Description(SearchTextAttribute.Help)] string? Query,
    [property: OneOf<DonationSort>, Description("newest (default without near), relevance (needs q: best match among the 1,000 newest matches) or distance (needs near; the default and only order with near: nearest first; with q, the matches among the 5,000 nearest donations from the page on). A cursor belongs to its sort.")] string? Sort,
    [property: Text(3, 40), Pattern(Coordinates.NearPattern, Coordinates.NearMessage), Description("lat,lng in degrees (e.g. 51.5072,-0.1276): only donations with coordinates within radius_km of it; needs radius_km.")] string? Near,
    [property: Text(1, 10), Pattern(Coordinates.RadiusPattern, Coordinates.RadiusMessage), Description("Kilometres around near, more than 0 and at most 200; needs near.")] string? RadiusKm)
    : ICheckedInput, ISortedQuery
{
    /// <summary>The order asked for (absent: newest).</summary>
    public DonationSort SortBy() =>
        EnumText.TryParse<DonationSort>(Sort, out var sort) ? sort : Near is not null ? DonationSort.Distance : DonationSort.Newest;

    public string? CursorSort() => SortBy() == DonationSort.Newest ? null : SortBy().ToText();

    /// <summary>The near point and radius, once checked (null without near).</summary>
    public NearPoint? NearPoint() => Coordinates.Parse(Near, RadiusKm);

    public void Check(Validation validation, Caller? caller)
    {
        Coordinates.CheckNear(validation, Near, RadiusKm);
        if (SortBy() == DonationSort.Relevance && Query is null && !validation.Has("q"))
        {
            validation.Add("sort", "relevance needs q (the words to rank by)");
        }

        if (SortBy() == DonationSort.Distance && Near is null && !validation.Has("near"))
        {
            validation.Add("sort", "distance needs near and radius_km");
        }

        if (Near is not null && Sort is not null && SortBy() != DonationSort.Distance && !validation.Has("sort"))
        {
            validation.Add("sort", "a list near a point is sorted by distance (leave sort out or send sort=distance)");
        }
    }
}
