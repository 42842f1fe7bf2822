using Moq;
using Platform.Contracts;
using Platform.Contracts.Events;
using Platform.Data;
using RequestService.Requests;
using static RequestService.Tests.Unit.Harness;

namespace RequestService.Tests.Unit;

/// <summary>
/// Each transition writes the new status through the store and queues exactly the event the saga
/// needs, in the caller's unit of work; <c>WasApproved</c> is set exactly when the request held (or
/// was about to hold) the claim, so donation-service releases the item only then.
/// </summary>
public sealed class RequestWorkflowTests
{
    private static readonly Guid SecondId = Guid.Parse("0197a2c4-3333-7000-8000-000000000003");
    private static readonly Guid ThirdId = Guid.Parse("0197a2c4-4444-7000-8000-000000000004");

    private readonly Mock<IRequestStore> _store = new(MockBehavior.Strict);
    private readonly UnitOfWork _uow = EventCollector();

    private RequestWorkflow Workflow => new(_store.Object);

    [Fact]
    public async Task Approve_sets_approving_and_publishes_request_approved()
    {
        ExpectSet(RequestId, RequestStatus.Approving, null);

        var updated = await Workflow.ApproveAsync(_uow, Request("pending"), CancellationToken.None);

        Assert.Equal("approving", updated.Status);
        var approved = Assert.IsType<RequestApproved>(Assert.Single(_uow.PendingEvents));
        Assert.Equal(Parties(RequestId), approved.Request);
        _store.VerifyAll();
    }

    [Theory]
    [InlineData("pending", false)]
    [InlineData("approving", true)]
    [InlineData("approved", true)]
    public async Task Reject_publishes_request_rejected_with_the_reason_and_WasApproved_when_it_held_the_claim(string from, bool wasApproved)
    {
        ExpectSet(RequestId, RequestStatus.Rejected, "no longer needed");

        var updated = await Workflow.RejectAsync(_uow, Request(from), "no longer needed", CancellationToken.None);

        Assert.Equal("rejected", updated.Status);
        var rejected = Assert.IsType<RequestRejected>(Assert.Single(_uow.PendingEvents));
        Assert.Equal(new RequestRejected(Parties(RequestId), "no longer needed", wasApproved), rejected);
    }

    [Theory]
    [InlineData("pending", false)]
    [InlineData("approving", true)]
    [InlineData("approved", true)]
    public async Task Cancel_publishes_request_cancelled_with_WasApproved_when_it_held_the_claim(string from, bool wasApproved)
    {
        ExpectSet(RequestId, RequestStatus.Cancelled, null);

        var updated = await Workflow.CancelAsync(_uow, Request(from), null, CancellationToken.None);

        Assert.Equal("cancelled", updated.Status);
        Assert.Equal(new RequestCancelled(Parties(RequestId), null, wasApproved), Assert.Single(_uow.PendingEvents));
    }

    [Fact]
    public async Task Complete_sets_completed_and_publishes_request_completed()
    {
        ExpectSet(RequestId, RequestStatus.Completed, null);

        var updated = await Workflow.CompleteAsync(_uow, Request("approved"), CancellationToken.None);

        Assert.Equal("completed", updated.Status);
        Assert.Equal(new RequestCompleted(Parties(RequestId)), Assert.Single(_uow.PendingEvents));
    }

    [Fact]
    public async Task Claim_confirmed_approves_the_request_and_rejects_the_other_open_requests_of_the_donation()
    {
        _store.Setup(s => s.LockAsync(_uow, RequestId, It.IsAny<CancellationToken>())).ReturnsAsync(Request("approving"));
        ExpectSet(RequestId, RequestStatus.Approved, null);
        IReadOnlyList<RequestStatus>? lockedStates = null;
        _store.Setup(s => s.LockOpenAsync(_uow, DonationId, null, It.IsAny<IReadOnlyList<RequestStatus>>(), It.IsAny<CancellationToken>()))
            .Callback((UnitOfWork _, Guid? _, Guid? _, IReadOnlyList<RequestStatus> states, CancellationToken _) => lockedStates = states)
            .ReturnsAsync([Request("approving"), Request("pending", SecondId), Request("approving", ThirdId)]);
        ExpectSet(SecondId, RequestStatus.Rejected, "another_request_was_approved");
        ExpectSet(ThirdId, RequestStatus.Rejected, "another_request_was_approved");

        await Workflow.ConfirmClaimAsync(_uow, RequestId, CancellationToken.None);

        Assert.Equal([RequestStatus.Pending, RequestStatus.Approving], lockedStates);
        Assert.Equal(
            new IIntegrationEvent[]
            {
                new RequestRejected(Parties(SecondId), "another_request_was_approved", WasApproved: false),
                new RequestRejected(Parties(ThirdId), "another_request_was_approved", WasApproved: true),
            },
            _uow.PendingEvents);
        _store.Verify(s => s.SetStatusAsync(_uow, RequestId, RequestStatus.Rejected, It.IsAny<string?>(), It.IsAny<CancellationToken>()), Times.Never);
        _store.VerifyAll();
    }

    [Theory]
    [InlineData("cancelled")]
    [InlineData("rejected")]
    public async Task Claim_arriving_after_the_request_ended_is_handed_back(string state)
    {
        _store.Setup(s => s.LockAsync(_uow, RequestId, It.IsAny<CancellationToken>())).ReturnsAsync(Request(state));

        await Workflow.ConfirmClaimAsync(_uow, RequestId, CancellationToken.None);

        Assert.Equal(new RequestCancelled(Parties(RequestId), "claim_arrived_after_request_ended", WasApproved: true), Assert.Single(_uow.PendingEvents));
        _store.Verify(s => s.SetStatusAsync(It.IsAny<UnitOfWork>(), It.IsAny<Guid>(), It.IsAny<RequestStatus>(), It.IsAny<string?>(), It.IsAny<CancellationToken>()), Times.Never);
    }

    [Theory]
    [InlineData("approved")]
    [InlineData("completed")]
    [InlineData("pending")]
    [InlineData(null)]
    public async Task Claim_confirmed_again_or_for_an_unknown_request_changes_nothing(string? state)
    {
        _store.Setup(s => s.LockAsync(_uow, RequestId, It.IsAny<CancellationToken>())).ReturnsAsync(state is null ? null : Request(state));

        await Workflow.ConfirmClaimAsync(_uow, RequestId, CancellationToken.None);

        Assert.Empty(_uow.PendingEvents);
        _store.Verify(s => s.LockAsync(_uow, RequestId, It.IsAny<CancellationToken>()), Times.Once);
        _store.VerifyNoOtherCalls();
    }

    [Fact]
    public async Task Claim_refused_rejects_an_approving_request_with_the_reason_and_no_release()
    {
        _store.Setup(s => s.LockAsync(_uow, RequestId, It.IsAny<CancellationToken>())).ReturnsAsync(Request("approving"));
        ExpectSet(RequestId, RequestStatus.Rejected, "not_available");

        await Workflow.RefuseClaimAsync(_uow, RequestId, "not_available", CancellationToken.None);

        Assert.Equal(new RequestRejected(Parties(RequestId), "not_available", WasApproved: false), Assert.Single(_uow.PendingEvents));
    }

    [Theory]
    [InlineData("pending")]
    [InlineData("approved")]
    [InlineData("rejected")]
    [InlineData("cancelled")]
    [InlineData("completed")]
    [InlineData(null)]
    public async Task Claim_refused_for_a_request_that_is_not_approving_changes_nothing(string? state)
    {
        _store.Setup(s => s.LockAsync(_uow, RequestId, It.IsAny<CancellationToken>())).ReturnsAsync(state is null ? null : Request(state));

        await Workflow.RefuseClaimAsync(_uow, RequestId, "deleted", CancellationToken.None);

        Assert.Empty(_uow.PendingEvents);
        _store.Verify(s => s.LockAsync(_uow, RequestId, It.IsAny<CancellationToken>()), Times.Once);
        _store.VerifyNoOtherCalls();
    }

    [Fact]
    public async Task A_deleted_donation_cancels_every_open_request_and_releases_only_claims()
    {
        _store.Setup(s => s.LockOpenAsync(_uow, DonationId, null, RequestWorkflow.OpenStates, It.IsAny<CancellationToken>()))
            .ReturnsAsync([Request("pending"), Request("approving", SecondId), Request("approved", ThirdId)]);
        ExpectSet(RequestId, RequestStatus.Cancelled, "donation_deleted");
        ExpectSet(SecondId, RequestStatus.Cancelled, "donation_deleted");
        ExpectSet(ThirdId, RequestStatus.Cancelled, "donation_deleted");

        await Workflow.CancelForDonationAsync(_uow, DonationId, CancellationToken.None);

        Assert.Equal([RequestStatus.Pending, RequestStatus.Approving, RequestStatus.Approved], RequestWorkflow.OpenStates);
        Assert.Equal(
            new IIntegrationEvent[]
            {
                new RequestCancelled(Parties(RequestId), "donation_deleted", WasApproved: false),
                new RequestCancelled(Parties(SecondId), "donation_deleted", WasApproved: true),
                new RequestCancelled(Parties(ThirdId), "donation_deleted", WasApproved: true),
            },
            _uow.PendingEvents);
        _store.VerifyAll();
    }

    [Fact]
    public async Task A_blocked_recipient_has_only_their_pending_requests_cancelled()
    {
        IReadOnlyList<RequestStatus>? lockedStates = null;
        _store.Setup(s => s.LockOpenAsync(_uow, null, RecipientId, It.IsAny<IReadOnlyList<RequestStatus>>(), It.IsAny<CancellationToken>()))
            .Callback((UnitOfWork _, Guid? _, Guid? _, IReadOnlyList<RequestStatus> states, CancellationToken _) => lockedStates = states)
            .ReturnsAsync([Request("pending"), Request("pending", SecondId)]);
        ExpectSet(RequestId, RequestStatus.Cancelled, "recipient_blocked");
        ExpectSet(SecondId, RequestStatus.Cancelled, "recipient_blocked");

        await Workflow.CancelForBlockedRecipientAsync(_uow, RecipientId, CancellationToken.None);

        Assert.Equal([RequestStatus.Pending], lockedStates);
        Assert.Equal(
            new IIntegrationEvent[]
            {
                new RequestCancelled(Parties(RequestId), "recipient_blocked", WasApproved: false),
                new RequestCancelled(Parties(SecondId), "recipient_blocked", WasApproved: false),
            },
            _uow.PendingEvents);
    }

    [Fact]
    public async Task Nothing_open_means_nothing_published()
    {
        _store.Setup(s => s.LockOpenAsync(_uow, DonationId, null, It.IsAny<IReadOnlyList<RequestStatus>>(), It.IsAny<CancellationToken>())).ReturnsAsync([]);

        await Workflow.CancelForDonationAsync(_uow, DonationId, CancellationToken.None);

        Assert.Empty(_uow.PendingEvents);
    }

    private static RequestParties Parties(Guid requestId) => new(requestId, DonationId, DonorId, RecipientId);

    /// <summary>The store writes the status (and the reason when given) and returns the updated row.</summary>
    private void ExpectSet(Guid id, RequestStatus status, string? reason) =>
        _store.Setup(s => s.SetStatusAsync(_uow, id, status, reason, It.IsAny<CancellationToken>()))
            .ReturnsAsync(() => Request(Platform.Hosting.Http.EnumText.ToText(status), id, reason));
}
