using DonationService.Claims;
using Moq;
using Platform.Contracts;
using Platform.Contracts.Events;
using Platform.Data;
using Platform.Eventing;
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
    private readonly UnitOfWork _uow = EventCollector();

    [Fact]
    public async Task Donation_claimed_confirms_the_claim_of_its_request()
    {
        _store.Setup(s => s.LockAsync(_uow, RequestId, It.IsAny<CancellationToken>())).ReturnsAsync(Request("approved"));
        var message = new DonationClaimed(DonationId, DonorId, RequestId, RecipientId, 3);

        await new DonationClaimedHandler(new RequestWorkflow(_store.Object)).HandleAsync(message, Context(message), CancellationToken.None);

        _store.Verify(s => s.LockAsync(_uow, RequestId, It.IsAny<CancellationToken>()), Times.Once);
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
        var message = new DonationDeleted(DonationId, DonorId, DonorId, 4);

        await new DonationDeletedHandler(new RequestWorkflow(_store.Object)).HandleAsync(message, Context(message), CancellationToken.None);

        _store.VerifyAll();
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

    private EventContext Context(IIntegrationEvent message) =>
        new(CloudEvent.Wrap(message, "/test", DateTimeOffset.UtcNow), _uow, 1);
}
