namespace Platform.Contracts.Tests;

/// <summary>Every event of the catalogue declares the one service that publishes it (issue 18, authenticated events).</summary>
public sealed class EventPublisherTests
{
    [Fact]
    public void Every_event_declares_its_publisher_on_its_EventType_attribute()
    {
        // A new event without [EventType("…", Publisher = Publishers.X)] lands here: no broker user may
        // publish it and every consumer parks it.
        Assert.Empty(EventCatalog.WithoutPublisher);
    }

    [Fact]
    public void Every_declared_publisher_is_one_of_the_platform_services()
    {
        var unknown = EventCatalog.Names
            .Where(n => EventCatalog.TryGetPublisher(n, out var publisher) && !Publishers.All.Contains(publisher))
            .ToList();

        Assert.Empty(unknown);
    }

    [Fact]
    public void The_publishers_split_the_catalogue_without_overlap()
    {
        var published = Publishers.All.SelectMany(EventCatalog.PublishedBy).ToList();

        Assert.Equal(published.Count, published.Distinct(StringComparer.Ordinal).Count());
        Assert.Equal(EventCatalog.Names.Order(StringComparer.Ordinal), published.Order(StringComparer.Ordinal));
    }

    [Theory]
    [InlineData("report.resolved", Publishers.Messaging)]
    [InlineData("request.approved", Publishers.Request)]
    [InlineData("profile.blocked", Publishers.Donation)]
    [InlineData("campaign.completed", Publishers.Campaign)]
    public void The_publisher_of_an_event_is_the_service_that_owns_it(string type, string publisher)
    {
        Assert.True(EventCatalog.TryGetPublisher(type, out var declared));
        Assert.Equal(publisher, declared);
    }

    [Fact]
    public void An_unknown_type_has_no_publisher()
    {
        Assert.False(EventCatalog.TryGetPublisher("donation.stolen", out _));
    }
}
