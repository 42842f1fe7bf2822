using System.Diagnostics;

namespace Platform.SystemTests;

/// <summary>
/// Issue 6's cross-service promises, end to end through the four processes and the broker: a report
/// resolved with <c>block_user</c> makes every service refuse the user's writes; one resolved with
/// <c>remove_donation</c> (or <c>remove_campaign</c>) hides the object from everyone.
/// </summary>
[Collection(PlatformCollection.Name)]
public sealed class ModerationAcrossServicesTests(PlatformFixture platform, ITestOutputHelper output)
{
    private sealed record Write(string Name, Service Service, HttpMethod Method, string Path, TestUser As, Func<object> Body);

    [Fact]
    public async Task A_user_reported_and_resolved_with_block_user_can_no_longer_write_in_any_service()
    {
        var p = platform;
        var donor = await p.NewDonorAsync();
        var verified = await p.NewVerifiedRecipientAsync();
        var reporter = await p.NewRecipientAsync();
        await p.KnownToMessagingAsync(reporter.Id);
        var otherDonor = await p.NewDonorAsync();
        var campaignOwner = await p.NewVerifiedRecipientAsync();
        var campaign = await p.ActiveCampaignAsync(campaignOwner, 10_000_000m);
        var ownDonation = await p.AvailableDonationAsync(donor);
        var askFor = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => p.AvailableDonationAsync(otherDonor)));
        var next = 0;

        var writes = new List<Write>
        {
            new("donation create", Service.Donation, HttpMethod.Post, "api/donations", donor, () => PlatformFixture.DonationBody()),
            new("donation update", Service.Donation, HttpMethod.Put, $"api/donations/{ownDonation}", donor, () => PlatformFixture.DonationBody()),
            new("request create", Service.Request, HttpMethod.Post, "api/requests", verified, () => new { donation_id = askFor[Interlocked.Increment(ref next) % askFor.Length] }),
            new("campaign create", Service.Campaign, HttpMethod.Post, "api/campaigns", verified, () => PlatformFixture.CampaignBody()),
            new("contribution (donor)", Service.Campaign, HttpMethod.Post, $"api/campaigns/{campaign}/contributions", donor, () => new { amount = 1 }),
            new("contribution (recipient)", Service.Campaign, HttpMethod.Post, $"api/campaigns/{campaign}/contributions", verified, () => new { amount = 1 }),
            new("message send (donor)", Service.Messaging, HttpMethod.Post, "api/messages", donor, () => new { receiver_id = reporter.Id, content = "hi" }),
            new("message send (recipient)", Service.Messaging, HttpMethod.Post, "api/messages", verified, () => new { receiver_id = reporter.Id, content = "hi" }),
        };

        // Before: every write is allowed, so the 403s below are the block's doing.
        foreach (var write in writes)
        {
            var before = await SendAsync(write);
            Assert.True(before.Status is 200 or 201, p.Describe($"{write.Name} should be allowed before the block: {before}", write.Service));
        }

        foreach (var user in new[] { donor, verified })
        {
            var report = await p.ReportAsync(reporter, "user", user.Id, "harassment");
            var resolved = p.Expect(await p.SendAsync(Service.Messaging, HttpMethod.Post, $"api/admin/reports/{report}/resolve", p.Admin.Token, new { status = "resolved", action = "block_user" }), 200);
            Assert.Equal("block_user", resolved.Json.GetProperty("action").GetString());
        }

        // Within a bounded wait, each service refuses each write with 403 problem+json.
        var clock = Stopwatch.StartNew();
        var refusedAt = new Dictionary<string, TimeSpan>();
        var last = new Dictionary<string, Reply>();
        await PlatformFixture.PollAsync(async () =>
        {
            foreach (var write in writes.Where(w => !refusedAt.ContainsKey(w.Name)))
            {
                var reply = last[write.Name] = await SendAsync(write);
                if (reply.Status == 403)
                {
                    refusedAt[write.Name] = clock.Elapsed;
                }
            }

            return refusedAt.Count == writes.Count;
        });

        foreach (var write in writes)
        {
            output.WriteLine($"{write.Name,-26} {write.Service,-10} → {last[write.Name].Status} after {(refusedAt.TryGetValue(write.Name, out var at) ? $"{at.TotalMilliseconds:0} ms" : "never")}: {last[write.Name].Detail}");
        }

        Assert.All(writes, write =>
        {
            var reply = last[write.Name];
            Assert.True(reply.Status == 403 && reply.IsProblem, p.Describe($"{write.Name} is not refused {PlatformFixture.Eventually.TotalSeconds} s after the block: {reply}", write.Service));
            Assert.Contains("blocked", reply.Detail, StringComparison.OrdinalIgnoreCase);
        });

        // A blocked user still reads.
        var me = p.Expect(await p.SendAsync(Service.Donation, HttpMethod.Get, "api/profiles/me", donor.Token), 200);
        Assert.True(me.Json.GetProperty("blocked").GetBoolean());
        p.Expect(await p.SendAsync(Service.Messaging, HttpMethod.Get, "api/notifications", verified.Token), 200);

        // Unblocking (profile.unblocked, a newer version) lets them write everywhere again.
        foreach (var user in new[] { donor, verified })
        {
            p.Expect(await p.SendAsync(Service.Donation, HttpMethod.Post, $"api/admin/profiles/{user.Id}/unblock", p.Admin.Token), 200);
        }

        var allowedAgain = new HashSet<string>();
        await PlatformFixture.PollAsync(async () =>
        {
            foreach (var write in writes.Where(w => !allowedAgain.Contains(w.Name)))
            {
                var reply = last[write.Name] = await SendAsync(write);
                if (reply.Status is 200 or 201)
                {
                    allowedAgain.Add(write.Name);
                }
            }

            return allowedAgain.Count == writes.Count;
        });
        Assert.All(writes, write => Assert.True(allowedAgain.Contains(write.Name), p.Describe($"{write.Name} is still refused after the unblock: {last[write.Name]}", write.Service)));
    }

    [Fact]
    public async Task Reports_about_a_donation_and_a_campaign_resolved_with_block_user_block_their_owners_everywhere()
    {
        var p = platform;
        var donor = await p.NewDonorAsync();
        var owner = await p.NewVerifiedRecipientAsync();
        var reporter = await p.NewRecipientAsync();
        var donation = await p.AvailableDonationAsync(donor);
        var campaign = await p.ActiveCampaignAsync(owner);

        foreach (var (type, id) in new[] { ("donation", donation), ("campaign", campaign) })
        {
            var report = await p.ReportAsync(reporter, type, id, "scam");
            var resolved = p.Expect(await p.SendAsync(Service.Messaging, HttpMethod.Post, $"api/admin/reports/{report}/resolve", p.Admin.Token, new { status = "resolved", action = "block_user" }), 200);
            output.WriteLine($"{type} report resolved: subject_user_id = {resolved.Json.GetProperty("subject_user_id")}");
        }

        // donation-service blocks the donor (it owns donations) and the campaign's owner (named by messaging's copy of owners).
        await p.WaitUntilBlockedEverywhereAsync(donor.Id);
        await p.WaitUntilBlockedEverywhereAsync(owner.Id);
        Assert.Equal(403, (await p.SendAsync(Service.Donation, HttpMethod.Post, "api/donations", donor.Token, PlatformFixture.DonationBody())).Status);
        Assert.Equal(403, (await p.SendAsync(Service.Campaign, HttpMethod.Post, "api/campaigns", owner.Token, PlatformFixture.CampaignBody())).Status);

        // Blocking pauses the owner's active campaigns (campaign.status_changed, reason owner_blocked).
        var paused = await p.WaitForAsync(Service.Campaign, $"api/campaigns/{campaign}", null, r => r.Status == 200 && r.Json.GetProperty("status").GetString() == "paused", "the blocked owner's campaign is paused");
        output.WriteLine($"campaign {campaign}: {paused.Json.GetProperty("status")}");
    }

    [Fact]
    public async Task A_donation_reported_and_resolved_with_remove_donation_is_hidden_from_everyone_and_its_requests_cancelled()
    {
        var p = platform;
        var donor = await p.NewDonorAsync();
        var recipient = await p.NewRecipientAsync();
        var reporter = await p.NewRecipientAsync();
        var donation = await p.AvailableDonationAsync(donor);
        var request = await p.RequestAsync(recipient, donation);
        var listed = $"api/donations?donor_id={donor.Id}&limit=100";
        p.Expect(await p.SendAsync(Service.Donation, HttpMethod.Get, $"api/donations/{donation}"), 200);
        Assert.Contains(donation, p.Expect(await p.SendAsync(Service.Donation, HttpMethod.Get, listed), 200).Items.Select(i => i.GetProperty("id").GetGuid()));

        var report = await p.ReportAsync(reporter, "donation", donation, "counterfeit");
        p.Expect(await p.SendAsync(Service.Messaging, HttpMethod.Post, $"api/admin/reports/{report}/resolve", p.Admin.Token, new { status = "resolved", action = "remove_donation" }), 200);

        var clock = Stopwatch.StartNew();
        await p.WaitForAsync(Service.Donation, $"api/donations/{donation}", null, r => r.Status == 404, "the removed donation answers 404");
        output.WriteLine($"hidden {clock.ElapsedMilliseconds} ms after the resolution");
        foreach (var who in new[] { null, donor, recipient, reporter, p.Admin })
        {
            var single = await p.SendAsync(Service.Donation, HttpMethod.Get, $"api/donations/{donation}", who?.Token);
            Assert.True(single.Status == 404 && single.IsProblem, $"{who?.Kind ?? "anonymous"} still gets the removed donation: {single}");
            var list = p.Expect(await p.SendAsync(Service.Donation, HttpMethod.Get, listed, who?.Token), 200);
            Assert.DoesNotContain(donation, list.Items.Select(i => i.GetProperty("id").GetGuid()));
        }

        // donation.deleted reaches request-service: the open request for it is cancelled.
        var cancelled = await p.WaitForAsync(Service.Request, $"api/requests/{request}", recipient.Token,
            r => r.Status == 200 && r.Json.GetProperty("status").GetString() == "cancelled", "the removed donation's request is cancelled");
        output.WriteLine($"request {request}: {cancelled.Json.GetProperty("status")} ({cancelled.Json.GetProperty("reason")})");
    }

    [Fact]
    public async Task A_campaign_reported_and_resolved_with_remove_campaign_is_hidden_from_everyone()
    {
        var p = platform;
        var owner = await p.NewVerifiedRecipientAsync();
        var reporter = await p.NewRecipientAsync();
        var campaign = await p.ActiveCampaignAsync(owner);
        var listed = $"api/campaigns?recipient_id={owner.Id}&limit=100";
        p.Expect(await p.SendAsync(Service.Campaign, HttpMethod.Get, $"api/campaigns/{campaign}"), 200);

        var report = await p.ReportAsync(reporter, "campaign", campaign, "fraud");
        p.Expect(await p.SendAsync(Service.Messaging, HttpMethod.Post, $"api/admin/reports/{report}/resolve", p.Admin.Token, new { status = "resolved", action = "remove_campaign" }), 200);

        await p.WaitForAsync(Service.Campaign, $"api/campaigns/{campaign}", null, r => r.Status == 404, "the removed campaign answers 404");
        foreach (var who in new[] { null, owner, reporter, p.Admin })
        {
            var single = await p.SendAsync(Service.Campaign, HttpMethod.Get, $"api/campaigns/{campaign}", who?.Token);
            Assert.True(single.Status == 404 && single.IsProblem, $"{who?.Kind ?? "anonymous"} still gets the removed campaign: {single}");
            var list = p.Expect(await p.SendAsync(Service.Campaign, HttpMethod.Get, listed, who?.Token), 200);
            Assert.DoesNotContain(campaign, list.Items.Select(i => i.GetProperty("id").GetGuid()));
        }
    }

    private Task<Reply> SendAsync(Write write) => platform.SendAsync(write.Service, write.Method, write.Path, write.As.Token, write.Body());
}
