using System.Collections.Concurrent;

namespace FaultInjection;

internal sealed record DonationRecord(Guid Id, Guid DonorId, string Key);

internal sealed record RequestRecord(Guid Id, Guid DonationId, Guid DonorId, Guid RecipientId, string Key);

/// <summary>A 201 to a contribution; <see cref="Status"/> is what the receipt said (confirmed, or refund_pending when the campaign completed meanwhile).</summary>
internal sealed record ContributionRecord(Guid Id, Guid CampaignId, Guid ContributorId, decimal Amount, string Key, string? Status);

internal sealed record MessageRecord(Guid Id, Guid SenderId, Guid ReceiverId, string Key);

internal sealed record CampaignRecord(Guid Id, Guid OwnerId, decimal Goal);

/// <summary>A create the client sent but never got an answer to: the server may or may not have it.</summary>
internal sealed record UnknownCreate(string Kind, string Key, Guid UserId);

/// <summary>How the calls of one kind of operation ended.</summary>
internal sealed class OperationCounts
{
    public int Sent;
    public int Accepted;
    public int Refused;
    public int Unanswered;

    /// <summary>Calls that needed more than one attempt (503 or no answer first).</summary>
    public int Retried;

    /// <summary>Retried creates answered from the stored first response (Idempotent-Replayed: true).</summary>
    public int Replayed;
}

/// <summary>
/// What the client knows it got: every write the APIs accepted (with the ids they returned and
/// the Idempotency-Keys used), every action acknowledged, every create left without an answer.
/// The reconciliation compares this with the databases.
/// </summary>
internal sealed class Ledger
{
    /// <summary>Operations named with this prefix are reads: counted, but not writes.</summary>
    public const string ReadPrefix = "read: ";

    private readonly ConcurrentDictionary<string, OperationCounts> _operations = new(StringComparer.Ordinal);

    public ConcurrentBag<DonationRecord> Donations { get; } = [];

    /// <summary>Donations the admin's review (approve) was acknowledged for.</summary>
    public ConcurrentBag<Guid> ReviewedDonations { get; } = [];

    public ConcurrentBag<RequestRecord> Requests { get; } = [];

    /// <summary>Requests whose approval (the start of the claim saga) was acknowledged with 202.</summary>
    public ConcurrentBag<Guid> ApprovedRequests { get; } = [];

    public ConcurrentBag<Guid> CompletedRequests { get; } = [];

    public ConcurrentBag<Guid> CancelledRequests { get; } = [];

    public ConcurrentBag<ContributionRecord> Contributions { get; } = [];

    public ConcurrentBag<MessageRecord> Messages { get; } = [];

    public ConcurrentBag<UnknownCreate> Unknown { get; } = [];

    public List<CampaignRecord> Campaigns { get; } = [];

    /// <summary>Every user of this run (donors, recipients, the admin): the reconciliation looks only at their rows.</summary>
    public List<User> Users { get; } = [];

    public IReadOnlyDictionary<string, OperationCounts> Operations => _operations;

    public int AcceptedWrites => _operations.Where(o => !o.Key.StartsWith(ReadPrefix, StringComparison.Ordinal)).Sum(o => o.Value.Accepted);

    public void Count(string operation, ApiResult result, bool accepted)
    {
        var counts = _operations.GetOrAdd(operation, _ => new OperationCounts());
        Interlocked.Increment(ref counts.Sent);
        if (result.Attempts > 1)
        {
            Interlocked.Increment(ref counts.Retried);
        }

        if (result.Replayed)
        {
            Interlocked.Increment(ref counts.Replayed);
        }

        if (accepted)
        {
            Interlocked.Increment(ref counts.Accepted);
        }
        else if (result.Status is 0 or 503)
        {
            Interlocked.Increment(ref counts.Unanswered);
        }
        else
        {
            Interlocked.Increment(ref counts.Refused);
        }
    }
}
