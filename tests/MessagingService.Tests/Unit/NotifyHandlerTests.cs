using MessagingService.Notifications;
using MessagingService.Reports;
using Microsoft.Extensions.Logging.Abstractions;
using Moq;
using Platform.Contracts;
using Platform.Contracts.Events;
using Platform.Data;
using Platform.Eventing;
using static MessagingService.Tests.Unit.Harness;

namespace MessagingService.Tests.Unit;

/// <summary>The event handlers key every notice by the event id, in the inbox's transaction.</summary>
public sealed class NotifyHandlerTests
{
    private readonly Mock<INotificationStore> _notifications = new(MockBehavior.Strict);
    private readonly Mock<ITargetOwners> _owners = new(MockBehavior.Strict);
    private readonly UnitOfWork _uow = EventCollector();

    [Fact]
    public async Task Notices_are_created_in_the_events_transaction_under_its_envelope_id()
    {
        var parties = new RequestParties(Guid.CreateVersion7(), DonationId, ReceiverId, SenderId);
        var message = new RequestCreated(parties, "Please");
        var context = Context(message);
        IReadOnlyList<Notice>? added = null;
        _owners.Setup(o => o.RememberAsync(_uow, new OwnedTarget("donation", DonationId, ReceiverId), It.IsAny<CancellationToken>())).Returns(Task.CompletedTask);
        _owners.Setup(o => o.RememberRequestAsync(_uow, parties, It.IsAny<CancellationToken>())).Returns(Task.CompletedTask);
        _notifications.Setup(n => n.AddAsync(_uow, context.Envelope.Id, It.IsAny<IReadOnlyList<Notice>>(), It.IsAny<CancellationToken>()))
            .Callback((UnitOfWork _, string _, IReadOnlyList<Notice> notices, CancellationToken _) => added = notices)
            .ReturnsAsync(1);

        await Handler<RequestCreated>().HandleAsync(message, context, CancellationToken.None);

        Assert.Equal(ReceiverId, Assert.Single(added!).UserId);
        _owners.VerifyAll();
    }

    [Fact]
    public async Task Events_that_name_no_donation_or_campaign_remember_no_owner()
    {
        var message = new ProfileVerificationDecided(new ProfileSnapshot(SenderId, "recipient", "approved", false, null, 2), "approved", AdminId);
        var context = Context(message);
        _notifications.Setup(n => n.AddAsync(_uow, context.Envelope.Id, It.IsAny<IReadOnlyList<Notice>>(), It.IsAny<CancellationToken>())).ReturnsAsync(1);

        await Handler<ProfileVerificationDecided>().HandleAsync(message, context, CancellationToken.None);

        _notifications.VerifyAll();
    }

    [Fact]
    public async Task A_compensating_cancellation_creates_nothing_and_publishes_nothing()
    {
        var parties = new RequestParties(Guid.CreateVersion7(), DonationId, ReceiverId, SenderId);
        var message = new RequestCancelled(parties, "claim_arrived_after_request_ended", true);
        var context = Context(message);
        _owners.Setup(o => o.RememberRequestAsync(_uow, parties, It.IsAny<CancellationToken>())).Returns(Task.CompletedTask);
        _notifications.Setup(n => n.AddAsync(_uow, context.Envelope.Id, It.Is<IReadOnlyList<Notice>>(l => l.Count == 0), It.IsAny<CancellationToken>())).ReturnsAsync(0);

        await Handler<RequestCancelled>().HandleAsync(message, context, CancellationToken.None);

        _notifications.VerifyAll();
        _owners.VerifyAll();
        Assert.Empty(_uow.PendingEvents);
    }

    private NotifyHandler<TEvent> Handler<TEvent>()
        where TEvent : IIntegrationEvent => new(_notifications.Object, _owners.Object, NullLogger<NotifyHandler<TEvent>>.Instance);

    private EventContext Context(IIntegrationEvent message) =>
        new(CloudEvent.Wrap(message, "/test", DateTimeOffset.UtcNow), _uow, 1);
}
