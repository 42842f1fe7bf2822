using System.Text.RegularExpressions;

namespace RequestService.Tests.EndToEnd;

/// <summary>Who may do what to a request, one request per recipient and donation, forbidden transitions.</summary>
[Collection(StackCollection.Name)]
public sealed partial class PermissionTests(StackFixture stack)
{
    [Fact]
    public async Task One_request_per_recipient_and_donation()
    {
        var donor = await stack.NewUserAsync("donor");
        var recipient = await stack.NewUserAsync();
        var donation = await stack.AvailableDonationAsync(donor);
        var request = await stack.RequestIdAsync(recipient, donation);

        var again = await stack.ExpectProblemAsync(await stack.PostRequestAsync(recipient, donation, "another message"), 409);
        Assert.Contains("already requested", StackFixture.Detail(again), StringComparison.Ordinal);

        // Still one after the first was rejected.
        await stack.ExpectAsync(await stack.ActAsync(donor, request, "reject"), 200);
        await stack.ExpectProblemAsync(await stack.PostRequestAsync(recipient, donation), 409);
        Assert.Equal(1, await StackFixture.CountRequestsOfAsync(recipient.Id));
    }

    [Fact]
    public async Task Requests_need_a_recipient_and_an_available_donation_that_exists()
    {
        var donor = await stack.NewUserAsync("donor");
        var recipient = await stack.NewUserAsync();
        var available = await stack.AvailableDonationAsync(donor);
        var pending = await stack.PendingDonationAsync(donor);

        await stack.ExpectProblemAsync(await StackFixture.SendAsync(stack.Requests, HttpMethod.Post, "api/requests", null, new { donation_id = available }), 401);
        // Once request-service's profile copy has the role (until then the copy may still say
        // recipient, the default a new profile starts with: see docs/DESIGN-NOTES.md).
        var otherDonor = await stack.NewUserAsync("donor");
        await stack.WaitForCopiesAsync(otherDonor.Id, "donor", available, "available");
        var asDonor = await stack.ExpectProblemAsync(await stack.PostRequestAsync(otherDonor, available), 403);
        Assert.Contains("Only recipients", StackFixture.Detail(asDonor), StringComparison.Ordinal);
        await stack.ExpectProblemAsync(await stack.PostRequestAsync(donor, available), 403);
        // A pending donation is invisible to others in donation-service (404 there, so 404 here).
        await stack.ExpectProblemAsync(await stack.PostRequestAsync(recipient, pending), 404);
        await stack.ExpectProblemAsync(await stack.PostRequestAsync(recipient, Guid.NewGuid()), 404);
        var invalid = await stack.ExpectProblemAsync(await stack.PostRequestAsync(recipient, available, extra: new { donation_id = "nope" }), 400);
        Assert.True(invalid.GetProperty("errors").TryGetProperty("donation_id", out _), invalid.ToString());
        Assert.Equal(0, await StackFixture.CountRequestsOfAsync(recipient.Id));
    }

    [Fact]
    public async Task Only_the_donor_approves_rejects_and_completes_only_the_recipient_cancels_others_get_404()
    {
        var donor = await stack.NewUserAsync("donor");
        var recipient = await stack.NewUserAsync();
        var stranger = await stack.NewUserAsync();
        var admin = new TestUser(stack.AdminId, stack.AdminToken);
        var donation = await stack.AvailableDonationAsync(donor);
        var request = await stack.RequestIdAsync(recipient, donation);

        foreach (var action in new[] { "approve", "reject", "complete" })
        {
            Assert.Contains("Only the donation's donor", StackFixture.Detail(await stack.ExpectProblemAsync(await stack.ActAsync(recipient, request, action), 403)), StringComparison.Ordinal);
            await stack.ExpectProblemAsync(await stack.ActAsync(admin, request, action), 403);
            await stack.ExpectProblemAsync(await stack.ActAsync(stranger, request, action), 404);
        }

        Assert.Contains("Only the recipient", StackFixture.Detail(await stack.ExpectProblemAsync(await stack.ActAsync(donor, request, "cancel"), 403)), StringComparison.Ordinal);
        await stack.ExpectProblemAsync(await stack.ActAsync(admin, request, "cancel"), 403);
        await stack.ExpectProblemAsync(await stack.ActAsync(stranger, request, "cancel"), 404);

        // Reading: parties and admins; others 404; unknown ids 404; no token 401.
        await stack.ExpectProblemAsync(await StackFixture.SendAsync(stack.Requests, HttpMethod.Get, $"api/requests/{request}", stranger.Token), 404);
        Assert.Equal("pending", (await stack.GetRequestAsync(admin, request)).GetProperty("status").GetString());
        Assert.Equal("pending", (await stack.GetRequestAsync(donor, request)).GetProperty("status").GetString());
        await stack.ExpectProblemAsync(await stack.ActAsync(donor, Guid.NewGuid(), "approve"), 404);
        await stack.ExpectProblemAsync(await StackFixture.SendAsync(stack.Requests, HttpMethod.Post, $"api/requests/{request}/approve"), 401);
        var strangersList = await stack.ExpectAsync(await StackFixture.SendAsync(stack.Requests, HttpMethod.Get, $"api/requests?donation_id={donation}", stranger.Token), 200);
        Assert.Empty(strangersList.GetProperty("items").EnumerateArray());
        var adminsList = await stack.ExpectAsync(await StackFixture.SendAsync(stack.Requests, HttpMethod.Get, $"api/requests?donation_id={donation}", admin.Token), 200);
        Assert.Single(adminsList.GetProperty("items").EnumerateArray());

        // None of the refused attempts changed anything.
        Assert.Equal("pending", (await stack.GetRequestAsync(recipient, request)).GetProperty("status").GetString());
        Assert.Equal(1L, await StackFixture.ScalarAsync<long>("select version from request.requests where id = @request", new { request }));
    }

    [Fact]
    public async Task Forbidden_transitions_are_409_with_the_current_status_in_the_detail()
    {
        var donor = await stack.NewUserAsync("donor");
        var (r1, r2, r3) = (await stack.NewUserAsync(), await stack.NewUserAsync(), await stack.NewUserAsync());

        // pending: complete is not allowed.
        var d1 = await stack.AvailableDonationAsync(donor);
        var q1 = await stack.RequestIdAsync(r1, d1);
        await ExpectConflictAsync(donor, q1, "complete", "pending");

        // rejected (with a reason): nothing more.
        var rejected = await stack.ExpectAsync(await stack.ActAsync(donor, q1, "reject", new { reason = "Already promised to a neighbour" }), 200);
        Assert.Equal("rejected", rejected.GetProperty("status").GetString());
        Assert.Equal("Already promised to a neighbour", rejected.GetProperty("reason").GetString());
        await ExpectConflictAsync(donor, q1, "approve", "rejected");
        await ExpectConflictAsync(donor, q1, "reject", "rejected");
        await ExpectConflictAsync(donor, q1, "complete", "rejected");
        await ExpectConflictAsync(r1, q1, "cancel", "rejected");

        // approving/approved: approving again is not allowed.
        var d2 = await stack.AvailableDonationAsync(donor);
        var q2 = await stack.RequestIdAsync(r2, d2);
        await stack.ExpectAsync(await stack.ActAsync(donor, q2, "approve"), 202);
        var twice = StackFixture.Detail(await stack.ExpectProblemAsync(await stack.ActAsync(donor, q2, "approve"), 409));
        Assert.Matches(ApprovingOrApproved(), twice);
        await stack.WaitForRequestAsync(donor, q2, "approved");
        await ExpectConflictAsync(donor, q2, "approve", "approved");

        // completed: nothing more.
        await stack.ExpectAsync(await stack.ActAsync(donor, q2, "complete"), 200);
        await ExpectConflictAsync(donor, q2, "complete", "completed");
        await ExpectConflictAsync(donor, q2, "reject", "completed");
        await ExpectConflictAsync(donor, q2, "approve", "completed");
        await ExpectConflictAsync(r2, q2, "cancel", "completed");

        // cancelled: nothing more.
        var d3 = await stack.AvailableDonationAsync(donor);
        var q3 = await stack.RequestIdAsync(r3, d3);
        await stack.ExpectAsync(await stack.ActAsync(r3, q3, "cancel"), 200);
        await ExpectConflictAsync(r3, q3, "cancel", "cancelled");
        await ExpectConflictAsync(donor, q3, "approve", "cancelled");
        await ExpectConflictAsync(donor, q3, "reject", "cancelled");
        await ExpectConflictAsync(donor, q3, "complete", "cancelled");
    }

    [Fact]
    public async Task The_donor_rejecting_an_approved_request_releases_the_item()
    {
        var donor = await stack.NewUserAsync("donor");
        var recipient = await stack.NewUserAsync();
        var donation = await stack.AvailableDonationAsync(donor);
        var request = await stack.RequestIdAsync(recipient, donation);
        await stack.ApproveAndWaitAsync(donor, request);
        await stack.WaitForDonationAsync(donor, donation, "claimed");

        await stack.ExpectAsync(await stack.ActAsync(donor, request, "reject"), 200);

        await stack.WaitForDonationAsync(donor, donation, "available");
    }

    private async Task ExpectConflictAsync(TestUser who, Guid request, string action, string status)
    {
        var problem = await stack.ExpectProblemAsync(await stack.ActAsync(who, request, action), 409);
        Assert.Contains($"status: {status}", StackFixture.Detail(problem), StringComparison.Ordinal);
    }

    [GeneratedRegex("status: (approving|approved)")]
    private static partial Regex ApprovingOrApproved();
}
