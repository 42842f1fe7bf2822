using System.ComponentModel;
using CampaignService.Payments;
using Platform.Blobs;
using Platform.Contracts.Events;
using Platform.Hosting.Auth;
using Platform.Hosting.Http;

namespace CampaignService.Campaigns;

public enum CampaignStatus
{
    Pending,
    Active,
    Paused,
    Completed,
    Rejected,

    /// <summary>Its deadline (<c>ends_at</c>) passed before the goal was reached (issue 17); final.</summary>
    Ended,
}

public enum CampaignCategory
{
    Medical,
    Education,
    Emergency,
    Housing,
    Food,
    Community,
    Animals,
    Other,
}

public enum ReviewDecision
{
    Approve,
    Reject,
}

/// <summary>A campaigns row.</summary>
public sealed class Campaign
{
    public Guid Id { get; init; }

    public Guid RecipientId { get; init; }

    public string Title { get; init; } = string.Empty;

    public string? Description { get; init; }

    public string Category { get; init; } = "other";

    public string? Location { get; init; }

    public string? ImageUrl { get; init; }

    public decimal GoalAmount { get; init; }

    public decimal CollectedAmount { get; init; }

    public int ContributorCount { get; init; }

    public string Currency { get; init; } = "usd";

    public string Status { get; init; } = "pending";

    public string? PauseReason { get; init; }

    public string? ReviewReason { get; init; }

    public DateTime? CompletedAt { get; init; }

    public DateTime? EndsAt { get; init; }

    public DateTime? EndedAt { get; init; }

    /// <summary>The value of a list's sort other than newest (rank, funded share), as its cursor carries it.</summary>
    public double? SortKey { get; init; }

    public long Version { get; init; }

    public DateTime CreatedAt { get; init; }

    public DateTime UpdatedAt { get; init; }

    public DateTime? DeletedAt { get; init; }

    /// <summary>When a material edit last sent the campaign back to review (issue 18).</summary>
    public DateTime? ResubmittedAt { get; init; }

    public CampaignStatus State => EnumText.Parse<CampaignStatus>(Status);

    public CampaignSnapshot Snapshot => new(Id, RecipientId, Title, Status, GoalAmount, CollectedAmount, Version);

    /// <summary>The images as a JSON array when the read selected them with the row (lists and reads by id); null otherwise.</summary>
    public string? ImagesJson { get; init; }
}

public sealed record CampaignView(
    Guid Id,
    Guid RecipientId,
    string Title,
    string? Description,
    [property: OneOf<CampaignCategory>] string Category,
    string? Location,
    string? ImageUrl,
    decimal GoalAmount,
    decimal CollectedAmount,
    int ContributorCount,
    [property: Description("ISO 4217 code, lower case: the currency of goal_amount, collected_amount and every contribution.")] string Currency,
    [property: OneOf<CampaignStatus>] string Status,
    [property: Description("Why the campaign is paused; shown to its owner and admins only (null for everyone else).")] string? PauseReason,
    string? ReviewReason,
    DateTime? CompletedAt,
    DateTime CreatedAt,
    DateTime UpdatedAt,
    [property: Description("Uploaded images in order (at most 5), each with its public URL. image_url is the older free-form URL, still kept.")] IReadOnlyList<FileView> Images,
    [property: Description("The deadline, if any: an active or paused campaign still short of its goal then becomes ended.")] DateTime? EndsAt,
    [property: Description("When the campaign ended at its deadline (status ended).")] DateTime? EndedAt,
    [property: Description("When an edit of the title, description, category, goal or images last sent the approved campaign back to review; with status pending, the edit awaits an admin and no contribution is taken.")] DateTime? ResubmittedAt)
{
    /// <summary>
    /// The view with the given images (built with their URLs by CampaignService.Files.CampaignViews) as
    /// <paramref name="viewer"/> sees it: why it is paused only for its owner and admins (a public
    /// <c>owner_blocked</c> told everyone that the owner was blocked; issue 18).
    /// </summary>
    public static CampaignView From(Campaign c, IReadOnlyList<FileView> images, Caller? viewer) => new(
        c.Id, c.RecipientId, c.Title, c.Description, c.Category, c.Location, c.ImageUrl, c.GoalAmount, c.CollectedAmount,
        c.ContributorCount, c.Currency, c.Status, viewer is not null && (viewer.IsAdmin || viewer.UserId == c.RecipientId) ? c.PauseReason : null, c.ReviewReason, c.CompletedAt, c.CreatedAt, c.UpdatedAt, images, c.EndsAt, c.EndedAt, c.ResubmittedAt);
}

/// <summary>The body of POST and PUT /api/campaigns, with its rules: goal_amount is a JSON number.</summary>
public sealed record CampaignBody(
    [property: Required, Text(1, 120)] string? Title,
    [property: Text(0, 5000)] string? Description,
    [property: Required, OneOf<CampaignCategory>] string? Category,
    [property: Text(1, 200)] string? Location,
    [property: Url] string? ImageUrl,
    [property: Required, Money(CampaignRules.MinGoal, CampaignRules.MaxGoal)] decimal? GoalAmount,
    [property: OneOf<CampaignCurrency>, Description(
        "The currency of the goal and of every contribution, set when the campaign is created (default usd) and changeable only "
        + "while it is pending. Omitted on PUT: unchanged. A currency without minor unit (jpy) takes whole amounts.")]
    string? Currency,
    [property: FutureTime(CampaignRules.MaxDeadlineDays), Description(
        "Optional deadline (RFC 3339 with offset): in the future, at most 365 days ahead. At the deadline an active or paused campaign "
        + "short of its goal ends (status ended). PUT replaces it like every field (absent: no deadline).")]
    string? EndsAt) : ICheckedInput
{
    /// <summary>The checked fields (an empty description is none; no currency is the default on create, unchanged on update).</summary>
    public CampaignFields ToFields() =>
        new(Title!, string.IsNullOrEmpty(Description) ? null : Description, EnumText.Parse<CampaignCategory>(Category!), Location, ImageUrl, GoalAmount!.Value, Currency,
            FutureTimeAttribute.Parse(EndsAt));

    /// <summary>A goal in a currency named here has that currency's decimals (without one, the campaign's currency decides later).</summary>
    public void Check(Validation validation, Caller? caller)
    {
        if (Currency is not null && !validation.Has("currency") && GoalAmount is { } goal && !validation.Has("goal_amount")
            && Currencies.Of(Currency).Refuse(goal) is { } message)
        {
            validation.Add("goal_amount", message);
        }
    }
}

public sealed record ReviewBody([property: Required, OneOf<ReviewDecision>] string? Decision, [property: Text(1, 500)] string? Reason)
{
    public ReviewDecision ToDecision() => EnumText.Parse<ReviewDecision>(Decision!);
}

/// <summary>The checked fields of a create or update.</summary>
public sealed record CampaignFields(
    string Title, string? Description, CampaignCategory Category, string? Location, string? ImageUrl, decimal GoalAmount, string? Currency, DateTime? EndsAt = null);

/// <summary>The orders of the campaign list (issue 17).</summary>
public enum CampaignSort
{
    Newest,
    Relevance,
    EndingSoon,
    MostFunded,
    LeastFunded,
}

/// <summary>The list query; the visibility rule is applied in SQL from the caller.</summary>
public sealed record CampaignFilter(
    [property: Description("Only campaigns in this state.")] CampaignStatus? Status,
    [property: Description("Only this category.")] CampaignCategory? Category,
    [property: Description("Only this recipient's campaigns.")] Guid? RecipientId,
    [property: System.Text.Json.Serialization.JsonPropertyName("q"), Text(1, SearchTextAttribute.MaxLength), SearchText, Description(SearchTextAttribute.Help)] string? Query,
    [property: OneOf<CampaignSort>, Description(
        "newest (default); relevance (needs q: best match first); ending_soon (nearest deadline first, campaigns without one last); "
        + "most_funded / least_funded (share of the goal collected). A cursor belongs to its sort.")]
    string? Sort) : ICheckedInput, ISortedQuery
{
    /// <summary>The order asked for (absent: newest).</summary>
    public CampaignSort SortBy() => EnumText.TryParse<CampaignSort>(Sort, out var sort) ? sort : CampaignSort.Newest;

    public string? CursorSort() => SortBy() == CampaignSort.Newest ? null : SortBy().ToText();

    public void Check(Validation validation, Caller? caller)
    {
        if (SortBy() == CampaignSort.Relevance && Query is null && !validation.Has("q"))
        {
            validation.Add("sort", "relevance needs q (the words to rank by)");
        }
    }
}
