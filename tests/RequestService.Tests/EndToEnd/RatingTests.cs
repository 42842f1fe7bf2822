using System.Text.Json;

namespace RequestService.Tests.EndToEnd;

/// <summary>Ratings: only the recipient of an approved or completed request, once, 1–5; donation-service keeps the aggregate.</summary>
[Collection(StackCollection.Name)]
public sealed class RatingTests(StackFixture stack)
{
    [Fact]
    public async Task Ratings_follow_the_rules_and_update_the_donors_average_and_count()
    {
        var donor = await stack.NewUserAsync("donor");
        var (ra, rb, rc) = (await stack.NewUserAsync(), await stack.NewUserAsync(), await stack.NewUserAsync());
        var admin = new TestUser(stack.AdminId, stack.AdminToken);
        var (da, db, dc) = (await stack.AvailableDonationAsync(donor), await stack.AvailableDonationAsync(donor), await stack.AvailableDonationAsync(donor));
        var completed = await stack.RequestIdAsync(ra, da);
        var approved = await stack.RequestIdAsync(rb, db);
        var pending = await stack.RequestIdAsync(rc, dc);
        await stack.ApproveAndWaitAsync(donor, completed);
        await stack.ExpectAsync(await stack.ActAsync(donor, completed, "complete"), 200);
        await stack.ApproveAndWaitAsync(donor, approved);

        // Bad values are 400 and name the field.
        foreach (var bad in new[] { "0", "6", "4.5", "\"five\"", "-3", "null" })
        {
            var problem = await stack.ExpectProblemAsync(await Rate(ra, $$"""{"request_id":"{{completed}}","rating":{{bad}}}"""), 400);
            Assert.True(problem.GetProperty("errors").TryGetProperty("rating", out _), $"rating {bad}: {problem}");
        }

        // Only the recipient, only approved or completed.
        Assert.Contains("status: pending", StackFixture.Detail(await stack.ExpectProblemAsync(await Rate(rc, pending, 5), 409)), StringComparison.Ordinal);
        await stack.ExpectProblemAsync(await Rate(donor, completed, 5), 403);
        await stack.ExpectProblemAsync(await Rate(admin, completed, 5), 403);
        await stack.ExpectProblemAsync(await Rate(rb, completed, 5), 404);
        await stack.ExpectProblemAsync(await Rate(ra, Guid.NewGuid(), 5), 404);

        // Once per request.
        var first = await stack.ExpectAsync(await Rate(ra, completed, 5, "Friendly and on time"), 201);
        Assert.Equal(5, first.GetProperty("rating").GetInt32());
        Assert.Equal(donor.Id, first.GetProperty("donor_id").GetGuid());
        Assert.Equal(ra.Id, first.GetProperty("recipient_id").GetGuid());
        Assert.Equal(completed, first.GetProperty("request_id").GetGuid());
        Assert.Equal("Friendly and on time", first.GetProperty("comment").GetString());
        Assert.Contains("already been rated", StackFixture.Detail(await stack.ExpectProblemAsync(await Rate(ra, completed, 1), 409)), StringComparison.Ordinal);
        await stack.ExpectAsync(await Rate(rb, approved, 4), 201);

        // donation-service's public profile of the donor: average 4.50 of 2 ratings (eventually).
        JsonElement profile = default;
        var updated = await StackFixture.PollAsync(async () =>
        {
            profile = await stack.ExpectAsync(await StackFixture.SendAsync(stack.Donations, HttpMethod.Get, $"api/profiles/{donor.Id}"), 200);
            return profile.GetProperty("rating_count").GetInt32() >= 2;
        });
        Assert.True(updated, stack.Describe("the donor's rating_count never reached 2: " + profile));
        Assert.Equal(2, profile.GetProperty("rating_count").GetInt32());
        Assert.Equal(4.50m, profile.GetProperty("rating_avg").GetDecimal());

        // The refused second rating never reached donation-service.
        await Task.Delay(500);
        profile = await stack.ExpectAsync(await StackFixture.SendAsync(stack.Donations, HttpMethod.Get, $"api/profiles/{donor.Id}"), 200);
        Assert.Equal(2, profile.GetProperty("rating_count").GetInt32());

        // GET /api/ratings filters by donor, for anyone.
        var listed = await stack.ExpectAsync(await StackFixture.SendAsync(stack.Requests, HttpMethod.Get, $"api/ratings?donor_id={donor.Id}"), 200);
        var items = listed.GetProperty("items").EnumerateArray().ToList();
        Assert.Equal(2, items.Count);
        Assert.All(items, i => Assert.Equal(donor.Id, i.GetProperty("donor_id").GetGuid()));
        Assert.Equal([4, 5], items.Select(i => i.GetProperty("rating").GetInt32()).Order());
        Assert.Equal(approved, items[0].GetProperty("request_id").GetGuid()); // newest first
        var someoneElse = await stack.ExpectAsync(await StackFixture.SendAsync(stack.Requests, HttpMethod.Get, $"api/ratings?donor_id={Guid.NewGuid()}"), 200);
        Assert.Empty(someoneElse.GetProperty("items").EnumerateArray());
        var paged = await stack.ExpectAsync(await StackFixture.SendAsync(stack.Requests, HttpMethod.Get, $"api/ratings?donor_id={donor.Id}&limit=1"), 200);
        Assert.Single(paged.GetProperty("items").EnumerateArray());
        var next = paged.GetProperty("next_cursor").GetString();
        var second = await stack.ExpectAsync(await StackFixture.SendAsync(stack.Requests, HttpMethod.Get, $"api/ratings?donor_id={donor.Id}&limit=1&cursor={next}"), 200);
        Assert.Equal(completed, Assert.Single(second.GetProperty("items").EnumerateArray()).GetProperty("request_id").GetGuid());
    }

    [Fact]
    public async Task A_request_that_ended_without_a_hand_over_cannot_be_rated()
    {
        var donor = await stack.NewUserAsync("donor");
        var (ra, rb) = (await stack.NewUserAsync(), await stack.NewUserAsync());
        var donation = await stack.AvailableDonationAsync(donor);
        var qa = await stack.RequestIdAsync(ra, donation);
        var qb = await stack.RequestIdAsync(rb, donation);
        await stack.ApproveAndWaitAsync(donor, qa);
        await stack.WaitForRequestAsync(rb, qb, "rejected");
        await stack.ExpectAsync(await stack.ActAsync(ra, qa, "cancel"), 200);

        Assert.Contains("status: cancelled", StackFixture.Detail(await stack.ExpectProblemAsync(await Rate(ra, qa, 5), 409)), StringComparison.Ordinal);
        Assert.Contains("status: rejected", StackFixture.Detail(await stack.ExpectProblemAsync(await Rate(rb, qb, 5), 409)), StringComparison.Ordinal);
        Assert.Equal(0L, await StackFixture.ScalarAsync<long>("select count(*) from request.ratings where donor_id = @id", new { id = donor.Id }));
    }

    private Task<HttpResponseMessage> Rate(TestUser who, Guid request, int rating, string? comment = null) =>
        StackFixture.SendAsync(stack.Requests, HttpMethod.Post, "api/ratings", who.Token, new { request_id = request, rating, comment });

    private Task<HttpResponseMessage> Rate(TestUser who, string json) =>
        StackFixture.SendAsync(stack.Requests, HttpMethod.Post, "api/ratings", who.Token, json);
}
