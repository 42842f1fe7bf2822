using Platform.Contracts;

namespace Platform.Eventing.Tests;

/// <summary>The consumers' check of who sent an event (issue 18, authenticated events): unit tests, no broker.</summary>
public sealed class PublisherCheckTests
{
    private static readonly PublisherCheck Donation = new(Publishers.Donation);

    [Fact]
    public void An_event_sent_by_its_declared_publisher_passes()
    {
        Assert.Null(Donation.Refusal("report.resolved", "/messaging-service", "messaging-service", "messaging-service", null));
    }

    [Fact]
    public void An_event_sent_by_another_services_broker_user_is_refused_even_when_it_claims_the_right_source_and_app_id()
    {
        var refusal = Donation.Refusal("report.resolved", "/messaging-service", "messaging-service", "campaign-service", null);

        Assert.Contains("broker user 'campaign-service'", refusal, StringComparison.Ordinal);
        Assert.Contains("only messaging-service publishes it", refusal, StringComparison.Ordinal);
    }

    [Fact]
    public void An_event_without_a_user_id_is_refused()
    {
        Assert.Contains("without an AMQP user-id", Donation.Refusal("report.resolved", "/messaging-service", "messaging-service", null, null), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/messaging-service", "campaign-service", "app-id 'campaign-service'")]
    [InlineData("/messaging-service", null, "app-id ''")]
    [InlineData("/campaign-service", "messaging-service", "source '/campaign-service'")]
    [InlineData("messaging-service", "messaging-service", "source 'messaging-service'")]
    public void A_source_or_app_id_other_than_the_publishers_is_refused(string source, string? appId, string expected)
    {
        Assert.Contains(expected, Donation.Refusal("report.resolved", source, appId, "messaging-service", null), StringComparison.Ordinal);
    }

    [Fact]
    public void A_type_outside_the_catalogue_has_no_publisher_and_is_refused()
    {
        Assert.Contains("declares no publisher", Donation.Refusal("donation.stolen", "/donation-service", "donation-service", "donation-service", null), StringComparison.Ordinal);
    }

    [Fact]
    public void A_retry_this_service_sent_on_under_its_own_user_is_judged_by_the_original_user()
    {
        Assert.Null(Donation.Refusal("report.resolved", "/messaging-service", "messaging-service", "donation-service", "messaging-service"));
        Assert.NotNull(Donation.Refusal("report.resolved", "/messaging-service", "messaging-service", "donation-service", "campaign-service"));
    }

    [Fact]
    public void An_original_user_header_is_ignored_on_a_message_from_another_user()
    {
        // campaign-service cannot bring its own "original" user through a retry exchange.
        Assert.NotNull(Donation.Refusal("report.resolved", "/messaging-service", "messaging-service", "campaign-service", "messaging-service"));
    }

    [Fact]
    public void The_service_s_own_events_coming_back_pass()
    {
        Assert.Null(Donation.Refusal("donation.deleted", "/donation-service", "donation-service", "donation-service", null));
    }

    [Fact]
    public void Sending_a_message_on_keeps_the_original_user_and_replaces_a_forged_one()
    {
        var forged = new Delivery(1, 1, [], new Dictionary<string, object?> { [MessageHeaders.OriginalUserId] = "messaging-service" }, "id", "report.resolved", null, false, "messaging-service", 0, "campaign-service");
        var retried = forged.Forward(new Dictionary<string, object?>(forged.Headers), Publishers.Donation);

        Assert.Equal(Publishers.Donation, retried.UserId);
        Assert.Equal("campaign-service", MessageHeaders.GetString(retried.Headers, MessageHeaders.OriginalUserId));

        var again = forged with { UserId = Publishers.Donation, Headers = new Dictionary<string, object?>(retried.Headers!) };
        Assert.Equal("campaign-service", MessageHeaders.GetString(again.Forward(new Dictionary<string, object?>(again.Headers), Publishers.Donation).Headers, MessageHeaders.OriginalUserId));
    }

    [Theory]
    [InlineData("amqp://donation-service:secret@127.0.0.1:5672/", "donation-service")]
    [InlineData("amqps://a%40b:p@broker:5671/vhost", "a@b")]
    [InlineData("amqp://127.0.0.1:5672/", "guest")]
    public void The_own_user_is_the_user_of_the_connection_uri(string uri, string user)
    {
        Assert.Equal(user, PublisherCheck.UserOf(uri));
    }
}
