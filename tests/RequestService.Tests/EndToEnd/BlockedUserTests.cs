namespace RequestService.Tests.EndToEnd;

/// <summary>An admin blocks a user in donation-service: request-service cancels their pending requests and refuses their writes.</summary>
[Collection(StackCollection.Name)]
public sealed class BlockedUserTests(StackFixture stack)
{
    [Fact]
    public async Task A_blocked_recipient_loses_their_pending_requests_and_cannot_write()
    {
        var donor = await stack.NewUserAsync("donor");
        var recipient = await stack.NewUserAsync();
        var (d1, d2, d3) = (await stack.AvailableDonationAsync(donor), await stack.AvailableDonationAsync(donor), await stack.AvailableDonationAsync(donor));
        var pending = await stack.RequestIdAsync(recipient, d1);
        var approved = await stack.RequestIdAsync(recipient, d2);
        await stack.ApproveAndWaitAsync(donor, approved);

        await Block(recipient);

        var cancelled = await stack.WaitForRequestAsync(recipient, pending, "cancelled");
        Assert.Equal("recipient_blocked", cancelled.GetProperty("reason").GetString());
        Assert.Equal("approved", (await stack.GetRequestAsync(recipient, approved)).GetProperty("status").GetString());

        // Writes are refused, all by request-service's profile copy: a new request, cancel and rating.
        Assert.Contains("blocked", StackFixture.Detail(await stack.ExpectProblemAsync(await stack.PostRequestAsync(recipient, d3), 403)), StringComparison.Ordinal);
        Assert.Contains("blocked", StackFixture.Detail(await stack.ExpectProblemAsync(await stack.ActAsync(recipient, approved, "cancel"), 403)), StringComparison.Ordinal);
        var rating = await StackFixture.SendAsync(stack.Requests, HttpMethod.Post, "api/ratings", recipient.Token, new { request_id = approved, rating = 5 });
        Assert.Contains("blocked", StackFixture.Detail(await stack.ExpectProblemAsync(rating, 403)), StringComparison.Ordinal);

        // Nothing was written; reading still works.
        Assert.Equal(2, await StackFixture.CountRequestsOfAsync(recipient.Id));
        Assert.Equal(0L, await StackFixture.ScalarAsync<long>("select count(*) from request.ratings where request_id = @approved", new { approved }));
        Assert.Equal("approved", (await stack.GetRequestAsync(recipient, approved)).GetProperty("status").GetString());
        await stack.WaitForDonationAsync(donor, d2, "claimed");
    }

    [Fact]
    public async Task A_blocked_donor_cannot_approve_reject_or_complete()
    {
        var donor = await stack.NewUserAsync("donor");
        var (r1, r2) = (await stack.NewUserAsync(), await stack.NewUserAsync());
        var (d1, d2) = (await stack.AvailableDonationAsync(donor), await stack.AvailableDonationAsync(donor));
        var pending = await stack.RequestIdAsync(r1, d1);
        var approved = await stack.RequestIdAsync(r2, d2);
        await stack.ApproveAndWaitAsync(donor, approved);

        await Block(donor);
        Assert.True(
            await StackFixture.PollAsync(async () => await StackFixture.ScalarAsync<bool?>("select blocked from request.profile_copies where user_id = @id", new { id = donor.Id }) == true),
            stack.Describe("request-service never learnt that the donor is blocked"));

        await stack.ExpectProblemAsync(await stack.ActAsync(donor, pending, "approve"), 403);
        await stack.ExpectProblemAsync(await stack.ActAsync(donor, pending, "reject"), 403);
        await stack.ExpectProblemAsync(await stack.ActAsync(donor, approved, "complete"), 403);
        Assert.Equal("pending", (await stack.GetRequestAsync(r1, pending)).GetProperty("status").GetString());
        Assert.Equal("approved", (await stack.GetRequestAsync(r2, approved)).GetProperty("status").GetString());
    }

    private async Task Block(TestUser user) =>
        await stack.ExpectAsync(await StackFixture.SendAsync(stack.Donations, HttpMethod.Post, $"api/admin/profiles/{user.Id}/block", stack.AdminToken), 200);
}
