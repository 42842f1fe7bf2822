using Platform.Contracts.Events;
using static MessagingService.Tests.Http.MessagingServiceFixture;

namespace MessagingService.Tests.Http;

[Collection(MessagingServiceCollection.Name)]
public sealed class ReportApiTests(MessagingServiceFixture app)
{
    [Fact]
    public async Task A_reported_message_resolved_with_block_user_publishes_report_resolved_naming_its_sender()
    {
        var (alice, bob) = (app.NewUser(), app.NewUser());
        var message = IdOf(await app.SendMessageAsync(bob, alice.Id, "rude words"));

        var report = await app.ExpectAsync(await app.PostAsync("api/reports", alice.Token, new { target_type = "message", target_id = message, reason = "abuse" }), 201);
        Assert.Equal("open", report.GetProperty("status").GetString());
        Assert.Equal(bob.Id, report.GetProperty("subject_user_id").GetGuid());
        Assert.Single(await Outbox.EventsAsync("report.created", "report_id", IdOf(report)));

        var resolved = await app.ExpectAsync(
            await app.PostAsync($"api/admin/reports/{IdOf(report)}/resolve", app.AdminToken, new { status = "resolved", action = "block_user" }), 200);

        Assert.Equal("resolved", resolved.GetProperty("status").GetString());
        Assert.Equal(app.AdminId, resolved.GetProperty("resolved_by").GetGuid());
        var published = Assert.Single(await Outbox.EventsAsync("report.resolved", "report_id", IdOf(report)));
        Assert.Equal("block_user", published.GetProperty("action").GetString());
        Assert.Equal("resolved", published.GetProperty("status").GetString());
        Assert.Equal("message", published.GetProperty("target_type").GetString());
        Assert.Equal(bob.Id, published.GetProperty("subject_user_id").GetGuid());
        Assert.Equal(app.AdminId, published.GetProperty("resolved_by").GetGuid());
        await app.ExpectAsync(await app.PostAsync($"api/admin/reports/{IdOf(report)}/resolve", app.AdminToken, new { status = "resolved", action = "none" }), 409);
    }

    [Fact]
    public async Task A_reported_donation_names_its_owner_once_an_event_told_messaging_and_remove_donation_carries_it()
    {
        var (reporter, donor) = (app.NewUser(), app.NewUser());
        var donation = new DonationSnapshot(Guid.NewGuid(), donor.Id, "Fake item", "other", "available", 2);
        await app.SettleAsync(await app.Broker.PublishAsync(new DonationReviewed(donation, "approved", null, app.AdminId)));

        var report = await app.ExpectAsync(
            await app.PostAsync("api/reports", reporter.Token, new { target_type = "donation", target_id = donation.DonationId, reason = "scam", description = "asks for money" }), 201);
        var reviewed = await app.ExpectAsync(
            await app.PostAsync($"api/admin/reports/{IdOf(report)}/resolve", app.AdminToken, new { status = "reviewed" }), 200);
        await app.ExpectAsync(await app.PostAsync($"api/admin/reports/{IdOf(report)}/resolve", app.AdminToken, new { status = "resolved", action = "remove_campaign" }), 400);
        await app.ExpectAsync(await app.PostAsync($"api/admin/reports/{IdOf(report)}/resolve", app.AdminToken, new { status = "resolved", action = "remove_donation" }), 200);

        Assert.Equal(donor.Id, report.GetProperty("subject_user_id").GetGuid());
        Assert.Equal("none", reviewed.GetProperty("action").GetString());
        var events = await Outbox.EventsAsync("report.resolved", "report_id", IdOf(report));
        Assert.Equal(["none", "remove_donation"], events.Select(e => e.GetProperty("action").GetString()));
        Assert.Equal(["reviewed", "resolved"], events.Select(e => e.GetProperty("status").GetString()));
        Assert.All(events, e => Assert.Equal(donor.Id, e.GetProperty("subject_user_id").GetGuid()));
    }

    [Fact]
    public async Task A_reported_campaign_with_an_unknown_owner_leaves_the_subject_to_campaign_service()
    {
        var reporter = app.NewUser();
        var campaign = Guid.NewGuid();
        var report = await app.ExpectAsync(await app.PostAsync("api/reports", reporter.Token, new { target_type = "campaign", target_id = campaign, reason = "fraud" }), 201);

        await app.ExpectAsync(await app.PostAsync($"api/admin/reports/{IdOf(report)}/resolve", app.AdminToken, new { status = "resolved", action = "remove_campaign" }), 200);

        var published = Assert.Single(await Outbox.EventsAsync("report.resolved", "report_id", IdOf(report)));
        Assert.Equal("remove_campaign", published.GetProperty("action").GetString());
        Assert.Equal(System.Text.Json.JsonValueKind.Null, published.GetProperty("subject_user_id").ValueKind);
    }

    [Fact]
    public async Task Reports_are_listed_to_their_reporter_and_to_admins_only()
    {
        var (alice, bob, mallory) = (app.NewUser(), app.NewUser(), app.NewUser());
        var report = IdOf(await app.ExpectAsync(await app.PostAsync("api/reports", alice.Token, new { target_type = "user", target_id = mallory.Id, reason = "spam" }), 201));

        Assert.Equal([report], Ids(await app.GetJsonAsync("api/reports", alice.Token)));
        Assert.Empty(Items(await app.GetJsonAsync("api/reports", bob.Token)));
        Assert.Contains(report, Ids(await app.GetJsonAsync("api/reports?status=open&limit=100", app.AdminToken)));
        Assert.All(Items(await app.GetJsonAsync("api/reports?status=resolved", app.AdminToken)), r => Assert.Equal("resolved", r.GetProperty("status").GetString()));
        await app.ExpectAsync(await app.PostAsync("api/reports", alice.Token, new { target_type = "user", target_id = mallory.Id, reason = "again" }), 409);
        await app.ExpectAsync(await app.PostAsync($"api/admin/reports/{report}/resolve", alice.Token, new { status = "resolved" }), 403);
        await app.ExpectAsync(await app.PostAsync($"api/admin/reports/{Guid.NewGuid()}/resolve", app.AdminToken, new { status = "resolved" }), 404);
        await app.ExpectAsync(await app.PostAsync("api/reports", alice.Token, new { target_type = "user", target_id = alice.Id, reason = "me" }), 400);
    }

    [Fact]
    public async Task A_party_reports_a_request_about_the_other_party_a_stranger_gets_404_and_block_user_carries_the_subject()
    {
        var (donor, recipient, stranger) = (app.NewUser(), app.NewUser(), app.NewUser());
        var request = new RequestParties(Guid.NewGuid(), Guid.NewGuid(), donor.Id, recipient.Id);
        await app.SettleAsync(await app.Broker.PublishAsync(new RequestCreated(request, "I need it")));

        await app.ExpectAsync(await app.PostAsync("api/reports", stranger.Token, new { target_type = "request", target_id = request.RequestId, reason = "curious" }), 404);
        var report = await app.ExpectAsync(
            await app.PostAsync("api/reports", donor.Token, new { target_type = "request", target_id = request.RequestId, reason = "offensive request" }), 201);
        var back = await app.ExpectAsync(
            await app.PostAsync("api/reports", recipient.Token, new { target_type = "request", target_id = request.RequestId, reason = "asked for money at pickup" }), 201);
        await app.ExpectAsync(await app.PostAsync($"api/admin/reports/{IdOf(report)}/resolve", app.AdminToken, new { status = "resolved", action = "remove_donation" }), 400);
        await app.ExpectAsync(await app.PostAsync($"api/admin/reports/{IdOf(report)}/resolve", app.AdminToken, new { status = "resolved", action = "block_user" }), 200);

        Assert.Equal("request", report.GetProperty("target_type").GetString());
        Assert.Equal(recipient.Id, report.GetProperty("subject_user_id").GetGuid());
        Assert.Equal(donor.Id, back.GetProperty("subject_user_id").GetGuid());
        var published = Assert.Single(await Outbox.EventsAsync("report.resolved", "report_id", IdOf(report)));
        Assert.Equal("request", published.GetProperty("target_type").GetString());
        Assert.Equal(recipient.Id, published.GetProperty("subject_user_id").GetGuid());
    }

    [Fact]
    public async Task A_request_messaging_had_not_heard_of_is_reported_without_a_subject_and_named_when_resolved()
    {
        var (donor, recipient) = (app.NewUser(), app.NewUser());
        var request = new RequestParties(Guid.NewGuid(), Guid.NewGuid(), donor.Id, recipient.Id);
        var report = await app.ExpectAsync(
            await app.PostAsync("api/reports", recipient.Token, new { target_type = "request", target_id = request.RequestId, reason = "no-show, rude" }), 201);
        Assert.Equal(System.Text.Json.JsonValueKind.Null, report.GetProperty("subject_user_id").ValueKind);
        await app.ExpectAsync(await app.PostAsync($"api/admin/reports/{IdOf(report)}/resolve", app.AdminToken, new { status = "reviewed", action = "block_user" }), 400);

        await app.SettleAsync(await app.Broker.PublishAsync(new RequestCancelled(request, "changed my mind", WasApproved: false)));
        var resolved = await app.ExpectAsync(
            await app.PostAsync($"api/admin/reports/{IdOf(report)}/resolve", app.AdminToken, new { status = "resolved", action = "block_user" }), 200);

        Assert.Equal(donor.Id, resolved.GetProperty("subject_user_id").GetGuid());
    }

    [Fact]
    public async Task The_reporter_sees_that_a_report_was_resolved_but_not_which_admin_did_it()
    {
        var (alice, mallory) = (app.NewUser(), app.NewUser());
        var report = IdOf(await app.ExpectAsync(await app.PostAsync("api/reports", alice.Token, new { target_type = "user", target_id = mallory.Id, reason = "spam" }), 201));
        var resolved = await app.ExpectAsync(await app.PostAsync($"api/admin/reports/{report}/resolve", app.AdminToken, new { status = "resolved" }), 200);

        var mine = Assert.Single(Items(await app.GetJsonAsync("api/reports", alice.Token)));
        var all = Items(await app.GetJsonAsync("api/reports?status=resolved&limit=100", app.AdminToken)).Single(r => IdOf(r) == report);

        Assert.Equal(app.AdminId, resolved.GetProperty("resolved_by").GetGuid());
        Assert.Equal("resolved", mine.GetProperty("status").GetString());
        Assert.Equal(System.Text.Json.JsonValueKind.Null, mine.GetProperty("resolved_by").ValueKind);
        Assert.Equal(app.AdminId, all.GetProperty("resolved_by").GetGuid());
    }
}
