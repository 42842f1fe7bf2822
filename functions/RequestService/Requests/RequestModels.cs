using Platform.Contracts.Events;

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

    public RequestStatus State => Platform.Hosting.Http.EnumText.Parse<RequestStatus>(Status);

    public RequestParties Parties => new(Id, DonationId, DonorId, RecipientId);
}

public sealed record RequestView(
    Guid Id, Guid DonationId, Guid DonorId, Guid RecipientId, string? Message, string Status, string? Reason, DateTime CreatedAt, DateTime UpdatedAt)
{
    public static RequestView From(DonationRequest r) =>
        new(r.Id, r.DonationId, r.DonorId, r.RecipientId, r.Message, r.Status, r.Reason, r.CreatedAt, r.UpdatedAt);
}

public sealed record CreateRequestBody(string? DonationId, string? Message);

public sealed record RejectBody(string? Reason);

public sealed record RequestFilter(Guid? DonationId, RequestStatus? Status, RequestListRole? Role);
