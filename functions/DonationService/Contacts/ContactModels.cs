using System.ComponentModel;
using Platform.Hosting.Http;

namespace DonationService.Contacts;

/// <summary>Where the request that holds a donation stands, as request-service names it.</summary>
public enum HandOverStatus
{
    Approved,
    Completed,
}

/// <summary>How to reach one side of a hand-over.</summary>
public sealed record ContactPerson(
    Guid UserId,
    string? FullName,
    [property: Description("The address the user signed up with (their Supabase Auth email).")] string? Email,
    string? Phone);

/// <summary>Both sides of an approved or completed request and where to meet: only for those two and admins.</summary>
public sealed record HandOverContactView(
    Guid DonationId,
    Guid RequestId,
    [property: OneOf<HandOverStatus>, Description("approved while the item is claimed for the request, completed once handed over.")] string Status,
    ContactPerson Donor,
    ContactPerson Recipient,
    [property: Description("The donation's location, else the donor's profile location.")] string? PickupLocation,
    string? PickupInstructions);

/// <summary>A claimed or completed donation with both parties' profiles (one row of the contact query).</summary>
public sealed class HandOverRow
{
    public Guid DonationId { get; init; }

    public Guid RequestId { get; init; }

    public string Status { get; init; } = "claimed";

    public string? PickupLocation { get; init; }

    public string? PickupInstructions { get; init; }

    public Guid DonorId { get; init; }

    public string? DonorName { get; init; }

    public string? DonorEmail { get; init; }

    public string? DonorPhone { get; init; }

    public Guid RecipientId { get; init; }

    public string? RecipientName { get; init; }

    public string? RecipientEmail { get; init; }

    public string? RecipientPhone { get; init; }

    public HandOverContactView ToView() => new(
        DonationId,
        RequestId,
        Status == "completed" ? "completed" : "approved",
        new ContactPerson(DonorId, DonorName, DonorEmail, DonorPhone),
        new ContactPerson(RecipientId, RecipientName, RecipientEmail, RecipientPhone),
        PickupLocation,
        PickupInstructions);
}
