using DonationService.Claims;
using Moq;
using Platform.Contracts;
using Platform.Contracts.Events;
using Platform.Data;
using Platform.Eventing;
using RequestService.Copies;
using RequestService.Requests;
using RequestService.Saga;
using static RequestService.Tests.Unit.Harness;

namespace RequestService.Tests.Unit;

/// <summary>
/// The saga's event handlers on both sides route each event to the right step. The unit of work's
/// connection is never opened: a handler that should do nothing and touches the database fails.
/// </summary>
public sealed class SagaHandlerTests
{
    private static readonly RequestParties Parties = new(RequestId, DonationId, DonorId, RecipientId);

    private readonly Mock<IRequestStore> _store = new(MockBehavior.Strict);
    private readonly Mock<ILocalCopies> _copies = new(MockBehavior.Strict);
    private readonly UnitOfWork _uow = EventCollector();

    [Fact]
    public async Task Donation_claimed_confirms_the_claim_of_its_request()
    {
        _store.Setup(s => s.LockAsync(_uow, RequestId, It.IsAny<CancellationToken>())).ReturnsAsync(Request("approved"));
        _copies.Setup(c => c.ApplyDonationAsync(_uow, DonationId, DonorId, "claimed", 3, It.IsAny<CancellationToken>())).ReturnsAsync(true);
        var message = new DonationClaimed(DonationId, DonorId, RequestId, RecipientId, 3);

        await new DonationClaimedHandler(new RequestWorkflow(_store.Object), _copies.Object).HandleAsync(message, Context(message), CancellationToken.None);

        _store.Verify(s => s.LockAsync(_uow, RequestId, It.IsAny<CancellationToken>()), Times.Once);
        _copies.VerifyAll();
    }

    [Theory]
    [InlineData("donation")]
    [InlineData("donor")]
    [InlineData("recipient")]
    public async Task A_claim_that_names_another_donation_donor_or_recipient_rejects_the_request_instead_of_approving_it(string wrong)
    {
        _store.Setup(s => s.LockAsync(_uow, RequestId, It.IsAny<CancellationToken>())).ReturnsAsync(Request("approving"));
        _store.Setup(s => s.SetStatusAsync(_uow, RequestId, RequestStatus.Rejected, "claim_mismatch", It.IsAny<CancellationToken>()))
            .ReturnsAsync(Request("rejected", reason: "claim_mismatch"));
        var other = Guid.NewGuid();
        var message = new DonationClaimed(
            wrong == "donation" ? other : DonationId, wrong == "donor" ? other : DonorId, RequestId, wrong == "recipient" ? other : RecipientId, 3);
        _copies.Setup(c => c.ApplyDonationAsync(_uow, message.DonationId, message.DonorId, "claimed", 3, It.IsAny<CancellationToken>())).ReturnsAsync(true);

        await new DonationClaimedHandler(new RequestWorkflow(_store.Object), _copies.Object).HandleAsync(message, Context(message), CancellationToken.None);

        Assert.Equal(new RequestRejected(Parties, "claim_mismatch", WasApproved: false), Assert.Single(_uow.PendingEvents));
        _store.Verify(s => s.SetStatusAsync(_uow, RequestId, RequestStatus.Approved, It.IsAny<string?>(), It.IsAny<CancellationToken>()), Times.Never);
    }

    [Fact]
    public async Task Claim_rejected_rejects_its_approving_request_with_the_reason()
    {
        _store.Setup(s => s.LockAsync(_uow, RequestId, It.IsAny<CancellationToken>())).ReturnsAsync(Request("approving"));
        _store.Setup(s => s.SetStatusAsync(_uow, RequestId, RequestStatus.Rejected, "deleted", It.IsAny<CancellationToken>()))
            .ReturnsAsync(Request("rejected", reason: "deleted"));
        var message = new DonationClaimRejected(DonationId, RequestId, RecipientId, "deleted", "available");

        await new DonationClaimRejectedHandler(new RequestWorkflow(_store.Object)).HandleAsync(message, Context(message), CancellationToken.None);

        Assert.Equal(new RequestRejected(Parties, "deleted", WasApproved: false), Assert.Single(_uow.PendingEvents));
    }

    [Fact]
    public async Task Donation_deleted_cancels_the_open_requests_of_that_donation()
    {
        _store.Setup(s => s.LockOpenAsync(_uow, DonationId, null, RequestWorkflow.OpenStates, It.IsAny<CancellationToken>())).ReturnsAsync([]);
        _copies.Setup(c => c.ApplyDonationAsync(_uow, DonationId, DonorId, LocalCopies.Deleted, 4, It.IsAny<CancellationToken>())).ReturnsAsync(true);
        var message = new DonationDeleted(DonationId, DonorId, DonorId, 4);

        await new DonationDeletedHandler(new RequestWorkflow(_store.Object), _copies.Object).HandleAsync(message, Context(message), CancellationToken.None);

        _store.VerifyAll();
        _copies.VerifyAll();
    }

    [Fact]
    public async Task Donation_service_ignores_rejections_and_cancellations_of_requests_that_never_held_the_claim()
    {
        var rejected = new RequestRejected(Parties, "no", WasApproved: false);
        var cancelled = new RequestCancelled(Parties, null, WasApproved: false);

        await new RequestRejectedHandler(new ClaimStore()).HandleAsync(rejected, Context(rejected), CancellationToken.None);
        await new RequestCancelledHandler(new ClaimStore()).HandleAsync(cancelled, Context(cancelled), CancellationToken.None);

        Assert.Empty(_uow.PendingEvents);
    }

    [Fact]
    public async Task Profile_blocked_cancels_the_pending_requests_of_a_user_whose_copy_is_blocked()
    {
        var snapshot = Profile(blocked: true, version: 5);
        _copies.Setup(c => c.ApplyProfileAsync(_uow, snapshot, It.IsAny<CancellationToken>())).ReturnsAsync(true);
        _copies.Setup(c => c.IsBlockedAsync(_uow, RecipientId, It.IsAny<CancellationToken>())).ReturnsAsync(true);
        _store.Setup(s => s.LockOpenAsync(_uow, null, RecipientId, It.Is<IReadOnlyList<RequestStatus>>(states => states.SequenceEqual(new[] { RequestStatus.Pending })), It.IsAny<CancellationToken>())).ReturnsAsync([Request("pending")]);
        _store.Setup(s => s.SetStatusAsync(_uow, RequestId, RequestStatus.Cancelled, "recipient_blocked", It.IsAny<CancellationToken>()))
            .ReturnsAsync(Request("cancelled", reason: "recipient_blocked"));
        var message = new ProfileBlocked(snapshot, AdminId, "spam");

        await new ProfileBlockedHandler(_copies.Object, new RequestWorkflow(_store.Object)).HandleAsync(message, Context(message), CancellationToken.None);

        Assert.Equal(new RequestCancelled(Parties, "recipient_blocked", WasApproved: false), Assert.Single(_uow.PendingEvents));
    }

    [Fact]
    public async Task Profile_blocked_that_arrives_after_a_newer_unblock_cancels_nothing()
    {
        var stale = Profile(blocked: true, version: 5);
        _copies.Setup(c => c.ApplyProfileAsync(_uow, stale, It.IsAny<CancellationToken>())).ReturnsAsync(false);
        _copies.Setup(c => c.IsBlockedAsync(_uow, RecipientId, It.IsAny<CancellationToken>())).ReturnsAsync(false);
        var message = new ProfileBlocked(stale, AdminId, null);

        await new ProfileBlockedHandler(_copies.Object, new RequestWorkflow(_store.Object)).HandleAsync(message, Context(message), CancellationToken.None);

        _store.VerifyNoOtherCalls();
        Assert.Empty(_uow.PendingEvents);
    }

    [Fact]
    public async Task Profile_events_apply_their_snapshot_to_the_copy()
    {
        var snapshot = Profile(blocked: false, version: 7);
        _copies.Setup(c => c.ApplyProfileAsync(_uow, snapshot, It.IsAny<CancellationToken>())).ReturnsAsync(true);
        var handler = new ProfileCopyHandler(_copies.Object);

        await handler.HandleAsync(new ProfileCreated(snapshot), Context(new ProfileCreated(snapshot)), CancellationToken.None);
        await handler.HandleAsync(new ProfileUpdated(snapshot), Context(new ProfileUpdated(snapshot)), CancellationToken.None);
        await handler.HandleAsync(new ProfileVerificationDecided(snapshot, "approved", AdminId), Context(new ProfileUpdated(snapshot)), CancellationToken.None);
        await handler.HandleAsync(new ProfileUnblocked(snapshot, AdminId), Context(new ProfileUpdated(snapshot)), CancellationToken.None);

        _copies.Verify(c => c.ApplyProfileAsync(_uow, snapshot, It.IsAny<CancellationToken>()), Times.Exactly(4));
    }

    [Fact]
    public async Task Donation_events_set_the_status_they_stand_for_at_their_version()
    {
        _copies.Setup(c => c.ApplyDonationAsync(_uow, DonationId, DonorId, It.IsAny<string>(), It.IsAny<long>(), It.IsAny<CancellationToken>())).ReturnsAsync(true);
        var handler = new DonationCopyHandler(_copies.Object);
        var created = new DonationCreated(new DonationSnapshot(DonationId, DonorId, "Chair", "furniture", "pending", 1));
        var reviewed = new DonationReviewed(new DonationSnapshot(DonationId, DonorId, "Chair", "furniture", "available", 2), "approved", null, AdminId);
        var updated = new DonationUpdated(new DonationSnapshot(DonationId, DonorId, "Chair", "furniture", "available", 3));
        var released = new DonationReleased(DonationId, DonorId, RequestId, RecipientId, 5);
        var completed = new DonationCompleted(DonationId, DonorId, RequestId, RecipientId, 7);

        await handler.HandleAsync(created, Context(created), CancellationToken.None);
        await handler.HandleAsync(reviewed, Context(reviewed), CancellationToken.None);
        await handler.HandleAsync(updated, Context(updated), CancellationToken.None);
        await handler.HandleAsync(released, Context(released), CancellationToken.None);
        await handler.HandleAsync(completed, Context(completed), CancellationToken.None);

        _copies.Verify(c => c.ApplyDonationAsync(_uow, DonationId, DonorId, "pending", 1, It.IsAny<CancellationToken>()), Times.Once);
        _copies.Verify(c => c.ApplyDonationAsync(_uow, DonationId, DonorId, "available", 2, It.IsAny<CancellationToken>()), Times.Once);
        _copies.Verify(c => c.ApplyDonationAsync(_uow, DonationId, DonorId, "available", 3, It.IsAny<CancellationToken>()), Times.Once);
        _copies.Verify(c => c.ApplyDonationAsync(_uow, DonationId, DonorId, "available", 5, It.IsAny<CancellationToken>()), Times.Once);
        _copies.Verify(c => c.ApplyDonationAsync(_uow, DonationId, DonorId, "completed", 7, It.IsAny<CancellationToken>()), Times.Once);
    }

    private static ProfileSnapshot Profile(bool blocked, long version) => new(RecipientId, "recipient", "none", blocked, "Rita", version);

    private EventContext Context(IIntegrationEvent message) =>
        new(CloudEvent.Wrap(message, "/test", DateTimeOffset.UtcNow), _uow, 1);
}
