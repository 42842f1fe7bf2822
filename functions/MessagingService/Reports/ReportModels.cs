using System.ComponentModel;
using Platform.Hosting.Auth;
using Platform.Hosting.Http;

namespace MessagingService.Reports;

public enum ReportTargetType
{
    User,
    Donation,
    Campaign,
    Message,
    Request,
}

public enum ReportStatus
{
    Open,
    Reviewed,
    Resolved,
}

/// <summary>The states an admin moves a report to.</summary>
public enum ResolveStatus
{
    Reviewed,
    Resolved,
}

public enum ReportAction
{
    None,
    BlockUser,
    RemoveDonation,
    RemoveCampaign,
    RemoveMessage,
}

/// <summary>A reports row.</summary>
public sealed class Report
{
    public Guid Id { get; init; }

    public Guid ReporterId { get; init; }

    public string TargetType { get; init; } = "user";

    public Guid TargetId { get; init; }

    public Guid? SubjectUserId { get; init; }

    public string Reason { get; init; } = string.Empty;

    public string? Description { get; init; }

    public string Status { get; init; } = "open";

    public string? Action { get; init; }

    public Guid? ResolvedBy { get; init; }

    public DateTime? ResolvedAt { get; init; }

    public DateTime CreatedAt { get; init; }

    public DateTime UpdatedAt { get; init; }
}

public sealed record ReportView(
    Guid Id,
    Guid ReporterId,
    [property: OneOf<ReportTargetType>] string TargetType,
    Guid TargetId,
    Guid? SubjectUserId,
    string Reason,
    string? Description,
    [property: OneOf<ReportStatus>] string Status,
    [property: OneOf<ReportAction>] string? Action,
    Guid? ResolvedBy,
    DateTime? ResolvedAt,
    DateTime CreatedAt,
    DateTime UpdatedAt)
{
    /// <summary>The report as <paramref name="viewer"/> sees it: which admin resolved it is shown to admins only.</summary>
    public static ReportView From(Report r, Caller viewer) => new(
        r.Id, r.ReporterId, r.TargetType, r.TargetId, r.SubjectUserId, r.Reason, r.Description, r.Status, r.Action,
        viewer.IsAdmin ? r.ResolvedBy : null, r.ResolvedAt, r.CreatedAt, r.UpdatedAt);
}

public sealed record CreateReportBody(
    [property: Required, OneOf<ReportTargetType>] string? TargetType,
    [property: Required, Uuid] string? TargetId,
    [property: Required, Text(1, 200)] string? Reason,
    [property: Text(0, 2000)] string? Description)
    : ICheckedInput
{
    /// <summary>Fields that failed their own rule are still raw text here: only parsed ones are compared.</summary>
    public void Check(Validation validation, Caller? caller)
    {
        if (caller is not null && EnumText.TryParse<ReportTargetType>(TargetType, out var targetType) && targetType == ReportTargetType.User
            && Ids.TryParse(TargetId, out var targetId) && targetId == caller.UserId)
        {
            validation.Add("target_id", "you cannot report yourself");
        }
    }

    /// <summary>The checked report (an empty description is none).</summary>
    public ReportDraft ToDraft() =>
        new(EnumText.Parse<ReportTargetType>(TargetType!), Guid.Parse(TargetId!), Reason!, string.IsNullOrEmpty(Description) ? null : Description);
}

public sealed record ResolveReportBody(
    [property: Required, OneOf<ResolveStatus>] string? Status,
    [property: OneOf<ReportAction>, Description("Absent means none; block_user, remove_donation and remove_campaign are carried out by the owning service; remove_message deletes a reported message and its attachments.")] string? Action)
{
    /// <summary>The checked decision (no action is none).</summary>
    public Resolution ToResolution() =>
        new(EnumText.Parse<ResolveStatus>(Status!), Action is null ? ReportAction.None : EnumText.Parse<ReportAction>(Action));
}

/// <summary>The list query; whose reports are listed follows the caller.</summary>
public sealed record ReportFilter([property: Description("Only reports in this state.")] ReportStatus? Status);

/// <summary>A validated report to file.</summary>
public sealed record ReportDraft(ReportTargetType TargetType, Guid TargetId, string Reason, string? Description);

/// <summary>A validated admin decision.</summary>
public sealed record Resolution(ResolveStatus Status, ReportAction Action);
