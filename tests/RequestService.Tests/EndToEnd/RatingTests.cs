using System.Text.Json;

namespace RequestService.Tests.EndToEnd;

/// <summary>Ratings: only the recipient of a completed request, once, 1–5, changeable for 30 days; donation-service keeps the aggregate.</summary>
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

        // Issue 17: approved is not enough any more (it could still be cancelled); only completed.
        Assert.Contains("status: approved", StackFixture.Detail(await stack.ExpectProblemAsync(await Rate(rb, approved, 4), 409)), StringComparison.Ordinal);
        await stack.ExpectAsync(await stack.ActAsync(donor, approved, "complete"), 200);

        // Bad values are 400 and name the field.
        foreach (var bad in new[] { "0", "6", "4.5", "\"five\"", "-3", "null" })
        {
            var problem = await stack.ExpectProblemAsync(await Rate(ra, $$"""{"request_id":"{{completed}}","rating":{{bad}}}"""), 400);
            Assert.True(problem.GetProperty("errors").TryGetProperty("rating", out _), $"rating {bad}: {problem}");
        }

        // Only the recipient, only completed.
        Assert.Contains("status: pending", StackFixture.Detail(await stack.ExpectProblemAsync(await Rate(rc, pending, 5), 409)), StringComparison.Ordinal);
        await stack.ExpectProblemAsync(await Rate(donor, completed, 5), 403);
        await stack.ExpectProblemAsync(await Rate(admin, completed, 5), 403);
        await stack.ExpectProblemAsync(await Rate(rb, completed, 5), 404);
        await stack.ExpectProblemAsync(await Rate(ra, Guid.NewGuid(), 5), 404);

        // Once per request.
        var first = await stack.ExpectAsync(await Rate(ra, completed, 5, "Friendly and on time"), 201);
        Assert.Equal(5, first.GetProperty("rating").GetInt32());
        Assert.Equal(da, first.GetProperty("donation_id").GetGuid());
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

        // GET /api/ratings filters by donor, for anyone (as the donor here: the donor sees who rated).
        var listed = await stack.ExpectAsync(await StackFixture.SendAsync(stack.Requests, HttpMethod.Get, $"api/ratings?donor_id={donor.Id}", donor.Token), 200);
        var items = listed.GetProperty("items").EnumerateArray().ToList();
        Assert.Equal(2, items.Count);
        Assert.All(items, i => Assert.Equal(donor.Id, i.GetProperty("donor_id").GetGuid()));
        Assert.Equal([4, 5], items.Select(i => i.GetProperty("rating").GetInt32()).Order());
        Assert.Equal(approved, items[0].GetProperty("request_id").GetGuid()); // newest first
        var someoneElse = await stack.ExpectAsync(await StackFixture.SendAsync(stack.Requests, HttpMethod.Get, $"api/ratings?donor_id={Guid.NewGuid()}"), 200);
        Assert.Empty(someoneElse.GetProperty("items").EnumerateArray());
        var paged = await stack.ExpectAsync(await StackFixture.SendAsync(stack.Requests, HttpMethod.Get, $"api/ratings?donor_id={donor.Id}&limit=1", admin.Token), 200);
        Assert.Single(paged.GetProperty("items").EnumerateArray());
        var next = paged.GetProperty("next_cursor").GetString();
        var second = await stack.ExpectAsync(await StackFixture.SendAsync(stack.Requests, HttpMethod.Get, $"api/ratings?donor_id={donor.Id}&limit=1&cursor={next}", admin.Token), 200);
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

    [Fact]
    public async Task Public_lists_by_donor_and_by_donation_do_not_name_the_recipient()
    {
        var donor = await stack.NewUserAsync("donor");
        var (ra, rb, stranger) = (await stack.NewUserAsync(), await stack.NewUserAsync(), await stack.NewUserAsync());
        var (da, db) = await CompletedAsync(donor, ra, rb);
        var first = await stack.ExpectAsync(await Rate(ra, da.Request, 4, "Good"), 201);
        await stack.ExpectAsync(await Rate(rb, db.Request, 2), 201);

        // By donation: just that hand-over's rating.
        var byDonation = await List($"donation_id={da.Donation}", null);
        var only = Assert.Single(byDonation.GetProperty("items").EnumerateArray());
        Assert.Equal(first.GetProperty("id").GetGuid(), only.GetProperty("id").GetGuid());
        Assert.Equal(da.Donation, only.GetProperty("donation_id").GetGuid());
        Assert.Empty((await List($"donation_id={Guid.NewGuid()}", null)).GetProperty("items").EnumerateArray());
        Assert.Empty((await List($"donation_id={da.Donation}&donor_id={Guid.NewGuid()}", null)).GetProperty("items").EnumerateArray());

        // Anonymous and other users: no request or recipient; the recipient who wrote it, the donor and admins: both.
        foreach (var (who, sees) in new[] { ((TestUser?)null, false), (stranger, false), (rb, false), (ra, true), (donor, true), (new TestUser(stack.AdminId, stack.AdminToken), true) })
        {
            var item = (await List($"donation_id={da.Donation}", who)).GetProperty("items")[0];
            Assert.Equal(sees ? JsonValueKind.String : JsonValueKind.Null, item.GetProperty("recipient_id").ValueKind);
            Assert.Equal(sees ? JsonValueKind.String : JsonValueKind.Null, item.GetProperty("request_id").ValueKind);
        }

        var publicByDonor = await List($"donor_id={donor.Id}", stranger);
        Assert.Equal(2, publicByDonor.GetProperty("items").GetArrayLength());
        Assert.DoesNotContain(ra.Id.ToString(), publicByDonor.GetRawText(), StringComparison.Ordinal);
        Assert.DoesNotContain(rb.Id.ToString(), publicByDonor.GetRawText(), StringComparison.Ordinal);

        foreach (var bad in new[] { "donation_id=nope", "donation_id=" + Guid.NewGuid() + "x", "donor_id=1" })
        {
            await stack.ExpectProblemAsync(await StackFixture.SendAsync(stack.Requests, HttpMethod.Get, "api/ratings?" + bad), 400);
        }
    }

    [Fact]
    public async Task The_recipient_changes_a_rating_within_30_days_and_the_donors_sum_stays_exact()
    {
        var donor = await stack.NewUserAsync("donor");
        var (ra, rb) = (await stack.NewUserAsync(), await stack.NewUserAsync());
        var admin = new TestUser(stack.AdminId, stack.AdminToken);
        var (da, db) = await CompletedAsync(donor, ra, rb);
        var a = (await stack.ExpectAsync(await Rate(ra, da.Request, 5, "Great"), 201)).GetProperty("id").GetGuid();
        var b = (await stack.ExpectAsync(await Rate(rb, db.Request, 4), 201)).GetProperty("id").GetGuid();
        await WaitForDonorAsync(donor, 2, 4.50m);

        // Bad bodies are 400; only the author may change it.
        foreach (var bad in new[] { """{"rating":0}""", """{"rating":6}""", """{"comment":"no stars"}""", """{"rating":"3"}""", """{"rating":3,"comment":"\u0000"}""" })
        {
            await stack.ExpectProblemAsync(await Change(ra, a, bad), 400);
        }

        await stack.ExpectProblemAsync(await Change(ra, Guid.NewGuid(), new { rating = 3 }), 404);
        await stack.ExpectProblemAsync(await StackFixture.SendAsync(stack.Requests, HttpMethod.Put, "api/ratings/nope", ra.Token, new { rating = 3 }), 400);
        await stack.ExpectProblemAsync(await Change(rb, a, new { rating = 1 }), 403);
        await stack.ExpectProblemAsync(await Change(donor, a, new { rating = 5 }), 403);
        await stack.ExpectProblemAsync(await Change(admin, a, new { rating = 1 }), 403);

        // 5 → 2 → 3 (comment cleared), then the same values again: one event per real change, sums exact.
        var changed = await stack.ExpectAsync(await Change(ra, a, new { rating = 2, comment = "Late, sadly" }), 200);
        Assert.Equal(2, changed.GetProperty("rating").GetInt32());
        Assert.Equal("Late, sadly", changed.GetProperty("comment").GetString());
        Assert.Equal(JsonValueKind.String, changed.GetProperty("updated_at").ValueKind);
        changed = await stack.ExpectAsync(await Change(ra, a, new { rating = 3 }), 200);
        Assert.Equal(JsonValueKind.Null, changed.GetProperty("comment").ValueKind);
        await stack.ExpectAsync(await Change(ra, a, new { rating = 3 }), 200);
        Assert.Equal(2L, await StackFixture.ScalarAsync<long>("select count(*) from request.outbox where event_type = 'rating.changed' and envelope like '%' || @id || '%'", new { id = a.ToString() }));
        await WaitForDonorAsync(donor, 2, 3.50m);
        Assert.Equal(7L, await StackFixture.ScalarAsync<long>("select rating_sum from donation.profiles where id = @id", new { id = donor.Id }));
        var listed = (await List($"donation_id={da.Donation}", null)).GetProperty("items")[0];
        Assert.Equal(3, listed.GetProperty("rating").GetInt32());

        // After 30 days: 409 with the date it closed, nothing changes.
        await using (var connection = new Npgsql.NpgsqlConnection(Platform.Testing.TestEnvironment.MainDb))
        {
            await Dapper.SqlMapper.ExecuteAsync(connection, "update request.ratings set created_at = now() - interval '30 days 1 minute' where id = @b", new { b });
        }

        var late = await stack.ExpectProblemAsync(await Change(rb, b, new { rating = 1 }), 409);
        Assert.Contains("30 days", StackFixture.Detail(late), StringComparison.Ordinal);
        Assert.Equal(4, await StackFixture.ScalarAsync<short>("select rating from request.ratings where id = @b", new { b }));
        await Task.Delay(300);
        Assert.Equal(7L, await StackFixture.ScalarAsync<long>("select rating_sum from donation.profiles where id = @id", new { id = donor.Id }));
    }

    private async Task<((Guid Donation, Guid Request) A, (Guid Donation, Guid Request) B)> CompletedAsync(TestUser donor, TestUser ra, TestUser rb)
    {
        async Task<(Guid, Guid)> One(TestUser recipient)
        {
            var donation = await stack.AvailableDonationAsync(donor);
            var request = await stack.RequestIdAsync(recipient, donation);
            await stack.ApproveAndWaitAsync(donor, request);
            await stack.ExpectAsync(await stack.ActAsync(donor, request, "complete"), 200);
            return (donation, request);
        }

        return (await One(ra), await One(rb));
    }

    private async Task WaitForDonorAsync(TestUser donor, int count, decimal average)
    {
        JsonElement profile = default;
        var reached = await StackFixture.PollAsync(async () =>
        {
            profile = await stack.ExpectAsync(await StackFixture.SendAsync(stack.Donations, HttpMethod.Get, $"api/profiles/{donor.Id}"), 200);
            return profile.GetProperty("rating_count").GetInt32() == count && profile.GetProperty("rating_avg").GetDecimal() == average;
        });
        Assert.True(reached, stack.Describe($"the donor's rating never became {average} of {count}: {profile}"));
    }

    private async Task<JsonElement> List(string query, TestUser? who) =>
        await stack.ExpectAsync(await StackFixture.SendAsync(stack.Requests, HttpMethod.Get, "api/ratings?" + query, who?.Token), 200);

    private Task<HttpResponseMessage> Change(TestUser who, Guid rating, object body) =>
        StackFixture.SendAsync(stack.Requests, HttpMethod.Put, $"api/ratings/{rating}", who.Token, body);

    private Task<HttpResponseMessage> Rate(TestUser who, Guid request, int rating, string? comment = null) =>
        StackFixture.SendAsync(stack.Requests, HttpMethod.Post, "api/ratings", who.Token, new { request_id = request, rating, comment });

    private Task<HttpResponseMessage> Rate(TestUser who, string json) =>
        StackFixture.SendAsync(stack.Requests, HttpMethod.Post, "api/ratings", who.Token, json);
}
