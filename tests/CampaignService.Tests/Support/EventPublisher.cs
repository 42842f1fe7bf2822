using Platform.Contracts;
using Platform.Testing;

namespace CampaignService.Tests.Support;

/// <summary>
/// Publishes catalogue events to the platform's exchange as their owning service's outbox relay
/// would (its own broker user, app-id and source; routing key = event type, persistent, confirmed),
/// so the service under test receives them through its real queue, consumer, publisher check and inbox.
/// </summary>
public sealed class EventPublisher : IAsyncDisposable
{
    private readonly ServiceEventPublisher _publishers = new();

    public static Task<EventPublisher> ConnectAsync() => Task.FromResult(new EventPublisher());

    /// <summary>Publishes <paramref name="payload"/> as its declared publisher (whose source, when given, <paramref name="source"/> must be); returns the message id.</summary>
    public async Task<string> PublishAsync(IIntegrationEvent payload, string? source = null)
    {
        var envelope = ServiceEventPublisher.Wrap(payload);
        if (source is not null && source != envelope.Source)
        {
            throw new ArgumentException($"{envelope.Type} is published by {envelope.Source}, not {source}.", nameof(source));
        }

        await _publishers.PublishEnvelopeAsync(envelope);
        return envelope.Id;
    }

    public ValueTask DisposeAsync() => _publishers.DisposeAsync();
}
