using System.Diagnostics;
using System.Net;
using System.Text.Json;
using Platform.Contracts;
using Platform.Testing;

namespace Platform.SystemTests;

/// <summary>
/// Issue 18 point 6 (and issue 16's "erasing an account deletes their blobs"), end to end through the
/// four processes, the broker, PostgreSQL and Azurite: a user erases their account, or an admin does;
/// every service erases its part (checked through the HTTP API, in the databases and in storage), the
/// user's token is refused everywhere, the saga completes once, also with a service down meanwhile and
/// with its event delivered again.
/// </summary>
[Collection(PlatformCollection.Name)]
public sealed class ErasureTests(PlatformFixture platform, ITestOutputHelper output)
{
    /// <summary>A saga across four services on a loaded machine: longer than one event's hop.</summary>
    private static readonly TimeSpan SagaTimeout = TimeSpan.FromSeconds(60);

    /// <summary>A route of each service that reads with the caller's token (so 401 means the token itself is refused).</summary>
    private static readonly (Service Service, string Path)[] SignedInReads =
    [
        (Service.Donation, "api/profiles/me"),
        (Service.Request, "api/requests?limit=5"),
        (Service.Campaign, "api/me/contributions?limit=5"),
        (Service.Messaging, "api/notifications?limit=5"),
    ];

    [Fact]
    public async Task A_user_who_erases_their_account_is_erased_by_every_service_their_files_deleted_and_their_token_refused_everywhere()
    {
        var p = platform;
        var (user, probe) = await p.NewVerifiedRecipientWithProbeAsync();
        var donor = await p.NewDonorAsync();
        var other = await p.NewRecipientAsync();
        var owner = await p.NewVerifiedRecipientAsync();

        // request-service: a pending request with a message, and a completed one rated with a comment.
        var donorsItem = await p.AvailableDonationAsync(donor);
        var pendingRequest = await p.RequestAsync(user, donorsItem);
        var completed = await p.CompletedRequestAsync(donor, user);
        p.Expect(await p.SendAsync(Service.Request, HttpMethod.Post, "api/ratings", user.Token, new { request_id = completed, rating = 4, comment = "Dana was lovely, lives at number 12" }), 201);
        var ratingAvg = (await p.WaitForAsync(Service.Donation, $"api/profiles/{donor.Id}", null,
            r => r.Status == 200 && r.Json.GetProperty("rating_avg").GetDecimal() == 4m, "the rating reaches the donor's sum")).Json.GetProperty("rating_avg").GetDecimal();

        // campaign-service: an active campaign of the user with an image and someone's contribution; the user's own contribution elsewhere.
        var campaign = await p.PendingCampaignAsync(user);
        var image = await p.UploadedAsync(Service.Campaign, user, "campaign_image");
        var withImage = p.Expect(await p.SendAsync(Service.Campaign, HttpMethod.Post, $"api/campaigns/{campaign}/images", user.Token, new { blob_id = image }), 200);
        var campaignImageUrl = withImage.Json.GetProperty("images")[0].GetProperty("url").GetString()!;
        p.Expect(await p.SendAsync(Service.Campaign, HttpMethod.Post, $"api/admin/campaigns/{campaign}/review", p.Admin.Token, new { decision = "approve" }), 200);
        var othersContribution = await p.ContributionAsync(other, campaign, 7m);
        var elsewhere = await p.ActiveCampaignAsync(owner);
        var ownContribution = await p.ContributionAsync(user, elsewhere, 5m);
        var collectedElsewhere = p.Expect(await p.SendAsync(Service.Campaign, HttpMethod.Get, $"api/campaigns/{elsewhere}"), 200).Json.GetProperty("collected_amount").GetDecimal();

        // messaging-service: a message with a picture to the donor, one from the donor, a report filed by the user.
        var picture = await p.UploadedAsync(Service.Messaging, user, "message_attachment");
        var sent = p.Expect(await p.SendAsync(Service.Messaging, HttpMethod.Post, "api/messages", user.Token, new { receiver_id = donor.Id, content = "Call me on 0113 496 0000", attachment_ids = new[] { picture } }), 201);
        var pictureUrl = sent.Json.GetProperty("attachments")[0].GetProperty("url").GetString()!;
        var reply = await p.MessageAsync(donor, user.Id, "Thanks, will do");
        var report = await p.ReportAsync(user, "user", other.Id, "He shouted at me on Tuesday");

        // donation-service: the user becomes a donor with a donation (a photo, requested by someone); the verification document.
        var documentUrl = p.Expect(await p.SendAsync(Service.Donation, HttpMethod.Get, "api/profiles/me", user.Token), 200).Json.GetProperty("verification_documents")[0].GetProperty("url").GetString()!;
        p.Expect(await p.SendAsync(Service.Donation, HttpMethod.Put, "api/profiles/me", user.Token, new { full_name = "Erin Erased", phone = "+44 113 496 0002", role = "donor" }), 200);
        var own = await p.PendingDonationAsync(user);
        var photo = await p.UploadedAsync(Service.Donation, user, "donation_image");
        var photoUrl = p.Expect(await p.SendAsync(Service.Donation, HttpMethod.Post, $"api/donations/{own}/images", user.Token, new { blob_id = photo }), 200).Json.GetProperty("images")[0].GetProperty("url").GetString()!;
        p.Expect(await p.SendAsync(Service.Donation, HttpMethod.Post, $"api/admin/donations/{own}/review", p.Admin.Token, new { decision = "approve" }), 200);
        var requestForOwn = await p.RequestAsync(other, own);
        var files = new[] { documentUrl, campaignImageUrl, pictureUrl, photoUrl };
        foreach (var url in files)
        {
            Assert.Equal(HttpStatusCode.OK, (await Uploads.ReadAsync(url)).Status);
        }

        // Erase. The token is refused by donation-service at once, by the others as soon as their event arrives.
        var clock = Stopwatch.StartNew();
        // messaging-service: a block the user made (last: it stops `other` requesting the user's items), which request-service copies.
        p.Expect(await p.SendAsync(Service.Messaging, HttpMethod.Put, $"api/blocks/{other.Id}", user.Token), 200);
        Assert.True(await PlatformFixture.PollAsync(async () => await BlockedAsync("request", user.Id, other.Id) == true), "request-service never copied the block");

        var erasure = p.Expect(await p.SendAsync(Service.Donation, HttpMethod.Delete, "api/profiles/me", user.Token), 202);
        Assert.Equal("/api/profiles/me/erasure", erasure.Headers.GetValueOrDefault("Location"));
        var refusedAfter = await RefusedEverywhereAsync(user, clock);
        output.WriteLine("token refused after the DELETE: " + string.Join(", ", refusedAfter.Select(r => $"{r.Key} {r.Value.TotalMilliseconds:0} ms")));

        var done = await CompletedAsync("api/profiles/me/erasure", user.Token);
        output.WriteLine($"erasure completed {clock.ElapsedMilliseconds} ms after the DELETE: {done.Body}");

        // donation-service: the donation is gone for everyone, the profile names nobody; the request for it was cancelled.
        p.Expect(await p.SendAsync(Service.Donation, HttpMethod.Get, $"api/donations/{own}", p.Admin.Token), 404);
        var profile = p.Expect(await p.SendAsync(Service.Donation, HttpMethod.Get, $"api/profiles/{user.Id}", p.Admin.Token), 200).Json;
        Assert.Equal(JsonValueKind.Null, profile.GetProperty("full_name").ValueKind);
        Assert.Equal(JsonValueKind.Null, profile.GetProperty("phone").ValueKind);
        Assert.Empty(profile.GetProperty("verification_documents").EnumerateArray());
        await p.WaitForAsync(Service.Request, $"api/requests/{requestForOwn}", other.Token, r => r.Status == 200 && r.Json.GetProperty("status").GetString() == "cancelled", "the request for the erased donor's donation is cancelled");

        // request-service: the user's pending request is cancelled (the donor sees why); the rating keeps its stars, not its comment.
        var cancelled = p.Expect(await p.SendAsync(Service.Request, HttpMethod.Get, $"api/requests/{pendingRequest}", donor.Token), 200).Json;
        Assert.Equal("cancelled", cancelled.GetProperty("status").GetString());
        Assert.Equal("account_erased", cancelled.GetProperty("reason").GetString());
        Assert.Equal(JsonValueKind.Null, cancelled.GetProperty("message").ValueKind);
        var rating = Assert.Single(p.Expect(await p.SendAsync(Service.Request, HttpMethod.Get, $"api/ratings?donor_id={donor.Id}"), 200).Items);
        Assert.Equal(4, rating.GetProperty("rating").GetInt32());
        Assert.Equal(JsonValueKind.Null, rating.GetProperty("comment").ValueKind);
        Assert.Equal(ratingAvg, p.Expect(await p.SendAsync(Service.Donation, HttpMethod.Get, $"api/profiles/{donor.Id}"), 200).Json.GetProperty("rating_avg").GetDecimal());

        // campaign-service: the campaign is gone and its contributor is being refunded; the user's own contribution stays as an anonymous amount.
        p.Expect(await p.SendAsync(Service.Campaign, HttpMethod.Get, $"api/campaigns/{campaign}", p.Admin.Token), 404);
        p.Expect(await p.SendAsync(Service.Campaign, HttpMethod.Get, $"api/campaigns/{probe}", p.Admin.Token), 404);
        var refund = p.Expect(await p.SendAsync(Service.Campaign, HttpMethod.Get, $"api/contributions/{othersContribution}", other.Token), 200).Json.GetProperty("status").GetString();
        Assert.Contains(refund, new[] { "refund_pending", "refunded" });
        Assert.Equal(collectedElsewhere, p.Expect(await p.SendAsync(Service.Campaign, HttpMethod.Get, $"api/campaigns/{elsewhere}"), 200).Json.GetProperty("collected_amount").GetDecimal());
        Assert.Equal(0L, await PlatformFixture.ScalarAsync<long>(TestEnvironment.CampaignDb, "select count(*) from campaign.contributions where contributor_id = @id", new { id = user.Id }));
        Assert.Equal(5m, await PlatformFixture.ScalarAsync<decimal>(TestEnvironment.CampaignDb, "select amount from campaign.contributions where id = @id and status = 'confirmed'", new { id = ownContribution }));
        Assert.Equal(0L, await PlatformFixture.ScalarAsync<long>(TestEnvironment.CampaignDb,
            "select count(*) from campaign.campaigns where recipient_id = @id and (deleted_at is null or title <> 'erased' or description is not null)", new { id = user.Id }));

        // messaging-service: the user's message is gone from the donor's conversation, the donor's own stays; the report keeps no words of the user.
        var conversation = p.Expect(await p.SendAsync(Service.Messaging, HttpMethod.Get, $"api/messages?with={user.Id}&limit=100", donor.Token), 200).Items.Select(m => m.GetProperty("id").GetGuid()).ToList();
        Assert.Equal([reply], conversation);
        Assert.Equal(0L, await PlatformFixture.ScalarAsync<long>(TestEnvironment.MainDb,
            "select (select count(*) from messaging.messages where sender_id = @id) + (select count(*) from messaging.notifications where user_id = @id) + (select count(*) from messaging.reports where reporter_id = @id and (description is not null or reason like '%Tuesday%'))",
            new { id = user.Id }));
        Assert.Equal(1L, await PlatformFixture.ScalarAsync<long>(TestEnvironment.MainDb, "select count(*) from messaging.reports where id = @report", new { report }));
        Assert.False(await BlockedAsync("messaging", user.Id, other.Id));
        Assert.True(await PlatformFixture.PollAsync(async () => await BlockedAsync("request", user.Id, other.Id) == false), "request-service's copy kept the erased user's block");

        // Storage: every file of the user is gone (public ones at their URL, private ones at their read URL).
        foreach (var url in files)
        {
            Assert.Equal(HttpStatusCode.NotFound, (await Uploads.ReadAsync(url)).Status);
        }

        // Every service keeps the user as erased; the saga finished exactly once.
        Assert.Equal(3L, await PlatformFixture.ScalarAsync<long>(TestEnvironment.MainDb,
            "select (select count(*) from donation.erased_accounts where user_id = @id) + (select count(*) from request.erased_accounts where user_id = @id) + (select count(*) from messaging.erased_accounts where user_id = @id)",
            new { id = user.Id }));
        Assert.Equal(1L, await PlatformFixture.ScalarAsync<long>(TestEnvironment.CampaignDb, "select count(*) from campaign.erased_accounts where user_id = @id", new { id = user.Id }));
        Assert.Equal(1L, await ErasedEventsAsync(user.Id));
    }

    [Fact]
    public async Task An_admins_erasure_completes_once_although_messaging_service_was_down_and_the_event_is_delivered_again()
    {
        var p = platform;
        var user = await p.NewRecipientAsync();
        var partner = await p.NewDonorAsync();
        var sent = await p.MessageAsync(user, partner.Id, "My address is 3 Elm Row");
        await p.MessageAsync(partner, user.Id, "Got it");

        await p.KillAsync(Service.Messaging);
        try
        {
            var erasure = p.Expect(await p.SendAsync(Service.Donation, HttpMethod.Delete, $"api/admin/users/{user.Id}", p.Admin.Token), 202);
            Assert.Equal($"/api/admin/users/{user.Id:D}/erasure", erasure.Headers.GetValueOrDefault("Location"));
            p.Expect(await p.SendAsync(Service.Donation, HttpMethod.Get, "api/profiles/me", user.Token), 401);

            // The three running services answer; the erasure waits for the fourth.
            var status = $"api/admin/users/{user.Id}/erasure";
            var three = await p.WaitForAsync(Service.Donation, status, p.Admin.Token, r => r.Status == 200 && Parts(r).Count(x => x.Value is not null) == 3, "three services erased their part");
            Assert.Null(Parts(three)["messaging-service"]);
            Assert.Equal("in_progress", three.Json.GetProperty("status").GetString());
            Assert.Equal(1L, await PlatformFixture.ScalarAsync<long>(TestEnvironment.MainDb, "select count(*) from messaging.messages where id = @sent", new { sent }));
        }
        finally
        {
            await p.StartAgainAsync(Service.Messaging);
        }

        var clock = Stopwatch.StartNew();
        var done = await CompletedAsync($"api/admin/users/{user.Id}/erasure", p.Admin.Token);
        output.WriteLine($"completed {clock.ElapsedMilliseconds} ms after messaging-service came back: {done.Body}");
        Assert.Equal(0L, await PlatformFixture.ScalarAsync<long>(TestEnvironment.MainDb, "select count(*) from messaging.messages where sender_id = @id", new { id = user.Id }));
        var refused = await p.SendAsync(Service.Messaging, HttpMethod.Get, "api/notifications?limit=5", user.Token);
        Assert.True(refused.Status == 401 && refused.Detail.Contains("erased", StringComparison.Ordinal), refused.ToString());

        // The request event delivered again (e.g. re-queued from parking): no service acts twice, the saga completes once.
        var envelope = CloudEvent.Parse(System.Text.Encoding.UTF8.GetBytes(await PlatformFixture.ScalarAsync<string>(TestEnvironment.MainDb,
            "select envelope from donation.outbox where event_type = 'profile.erasure_requested' and envelope like '%' || @id::text || '%'", new { id = user.Id.ToString() })));
        await using (var broker = await BrokerClient.ConnectAsync(TestEnvironment.RabbitMq))
        {
            await broker.PublishEnvelopeAsync(envelope, "donation-service");
        }

        var handled = await PlatformFixture.PollAsync(async () => await PlatformFixture.ScalarAsync<long>(TestEnvironment.MainDb,
            "select count(*) from messaging.inbox where message_id = @id", new { id = envelope.Id }) == 1);
        Assert.True(handled, "messaging-service never recorded the erasure event");
        await Task.Delay(TimeSpan.FromSeconds(2)); // a second answer, if any were wrongly sent, would reach donation-service by now
        foreach (var (schema, type) in new[] { ("request", "request.user_erased"), ("messaging", "message.user_erased") })
        {
            Assert.Equal(1L, await PlatformFixture.ScalarAsync<long>(TestEnvironment.MainDb,
                $"select count(*) from {schema}.outbox where event_type = @type and envelope like '%' || @id || '%'", new { type, id = user.Id.ToString() }));
        }

        Assert.Equal(1L, await PlatformFixture.ScalarAsync<long>(TestEnvironment.CampaignDb,
            "select count(*) from campaign.outbox where event_type = 'campaign.user_erased' and envelope like '%' || @id || '%'", new { id = user.Id.ToString() }));
        Assert.Equal(1L, await ErasedEventsAsync(user.Id));
    }

    [Fact]
    public async Task An_erased_users_token_is_refused_on_every_signed_in_route_but_the_two_that_show_the_erasure()
    {
        var p = platform;
        var user = await p.NewRecipientAsync();
        p.Expect(await p.SendAsync(Service.Donation, HttpMethod.Delete, "api/profiles/me", user.Token), 202);
        await RefusedEverywhereAsync(user, Stopwatch.StartNew());

        var allowed = new[] { "DELETE /api/profiles/me", "GET /api/profiles/me/erasure" };
        var checkedRoutes = 0;
        foreach (var route in ApiCatalogue.Routes.Where(r => r.Access == Access.User && !allowed.Contains(r.Key)))
        {
            var path = "api/" + route.Route.Replace("{id}", Guid.NewGuid().ToString(), StringComparison.Ordinal);
            var reply = await p.SendAsync(route.Service, new HttpMethod(route.Method), path, user.Token, route.HasBody ? new { } : null);
            Assert.True(reply.Status == 401 && reply.IsProblem && reply.Detail.Contains("erased", StringComparison.Ordinal), $"{route.Service}: {reply}");
            checkedRoutes++;
        }

        p.Expect(await p.SendAsync(Service.Donation, HttpMethod.Delete, "api/profiles/me", user.Token), 202);
        p.Expect(await p.SendAsync(Service.Donation, HttpMethod.Get, "api/profiles/me/erasure", user.Token), 200);

        output.WriteLine($"{checkedRoutes} signed-in routes refused the erased user's token");
    }

    /// <summary>Polls each service until it refuses the user's token (401, "erased"); when each did, from <paramref name="clock"/>.</summary>
    private async Task<Dictionary<Service, TimeSpan>> RefusedEverywhereAsync(TestUser user, Stopwatch clock)
    {
        var refusedAt = new Dictionary<Service, TimeSpan>();
        var last = new Dictionary<Service, Reply>();
        await PlatformFixture.PollAsync(async () =>
        {
            foreach (var (service, path) in SignedInReads.Where(r => !refusedAt.ContainsKey(r.Service)))
            {
                var reply = last[service] = await platform.SendAsync(service, HttpMethod.Get, path, user.Token);
                if (reply.Status == 401 && reply.Detail.Contains("erased", StringComparison.Ordinal))
                {
                    refusedAt[service] = clock.Elapsed;
                }
            }

            return refusedAt.Count == SignedInReads.Length;
        });
        Assert.True(refusedAt.Count == SignedInReads.Length, platform.Describe(
            "Not every service refuses the erased user's token: " + string.Join("; ", last.Where(l => !refusedAt.ContainsKey(l.Key)).Select(l => l.Value.ToString()))));
        return refusedAt;
    }

    private async Task<Reply> CompletedAsync(string path, string token)
    {
        Reply last = null!;
        var completed = await PlatformFixture.PollAsync(
            async () => (last = await platform.SendAsync(Service.Donation, HttpMethod.Get, path, token)).Status == 200 && last.Json.GetProperty("status").GetString() == "completed",
            SagaTimeout);
        Assert.True(completed, platform.Describe($"The erasure did not complete within {SagaTimeout.TotalSeconds} s; last: {last}"));
        Assert.All(last.Json.GetProperty("services").EnumerateArray(), part => Assert.NotEqual(JsonValueKind.Null, part.GetProperty("erased_at").ValueKind));
        return last;
    }

    private static Dictionary<string, string?> Parts(Reply reply) =>
        reply.Json.GetProperty("services").EnumerateArray().ToDictionary(s => s.GetProperty("service").GetString()!, s => s.GetProperty("erased_at").ValueKind == JsonValueKind.Null ? null : s.GetProperty("erased_at").GetString());

    private static Task<long> ErasedEventsAsync(Guid userId) => PlatformFixture.ScalarAsync<long>(TestEnvironment.MainDb,
        "select count(*) from donation.outbox where event_type = 'profile.erased' and envelope like '%' || @id || '%'", new { id = userId.ToString() });

    /// <summary>Whether <paramref name="blocker"/> blocks <paramref name="blocked"/> in a service's table (null: no row).</summary>
    private static Task<bool?> BlockedAsync(string schema, Guid blocker, Guid blocked) => PlatformFixture.ScalarAsync<bool?>(
        TestEnvironment.MainDb, $"select blocked from {schema}.user_blocks where blocker_id = @blocker and blocked_id = @blocked", new { blocker, blocked });
}
