using System.ComponentModel;
using Platform.Contracts.Events;
using Platform.Hosting.Http;

namespace RequestService.Requests;

public enum RequestStatus
{
    Pending,
    Approving,
    Approved,
    Rejected,
    Cancelled,
    Completed,
}

public enum RequestListRole
{
    Mine,
    Received,
}

/// <summary>A requests row.</summary>
public sealed class DonationRequest
{
    public Guid Id { get; init; }

    public Guid DonationId { get; init; }

    public Guid DonorId { get; init; }

    public Guid RecipientId { get; init; }

    public string? Message { get; init; }

    public string Status { get; init; } = "pending";

    public string? Reason { get; init; }

    public long Version { get; init; }

    public DateTime CreatedAt { get; init; }

    public DateTime UpdatedAt { get; init; }

    public RequestStatus State => EnumText.Parse<RequestStatus>(Status);

    public RequestParties Parties => new(Id, DonationId, DonorId, RecipientId);
}

public sealed record RequestView(
    Guid Id,
    Guid DonationId,
    Guid DonorId,
    Guid RecipientId,
    string? Message,
    [property: OneOf<RequestStatus>] string Status,
    string? Reason,
    DateTime CreatedAt,
    DateTime UpdatedAt)
{
    public static RequestView From(DonationRequest r) =>
        new(r.Id, r.DonationId, r.DonorId, r.RecipientId, r.Message, r.Status, r.Reason, r.CreatedAt, r.UpdatedAt);
}

/// <summary>The body of a new request, with its rules.</summary>
public sealed record CreateRequestBody([property: Required, Uuid] string? DonationId, [property: Text(0, 1000)] string? Message)
{
    /// <summary>The checked fields (an empty message is none).</summary>
    public RequestDraft ToDraft() => new(Guid.ParseExact(DonationId!, "D"), string.IsNullOrEmpty(Message) ? null : Message);
}

/// <summary>The optional body of a reject or a cancel.</summary>
public sealed record RejectBody([property: Text(1, 500)] string? Reason);

/// <summary>The checked fields of a new request.</summary>
public sealed record RequestDraft(Guid DonationId, string? Message);

/// <summary>The list query; which requests the caller may see is applied in SQL from the caller.</summary>
public sealed record RequestFilter(
    [property: Description("Only requests for this donation.")] Guid? DonationId,
    [property: Description("Only requests in this state.")] RequestStatus? Status,
    [property: Description("mine: as recipient; received: as donor.")] RequestListRole? Role);
