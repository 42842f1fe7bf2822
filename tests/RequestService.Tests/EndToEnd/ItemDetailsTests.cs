using System.Text.Json;

namespace RequestService.Tests.EndToEnd;

/// <summary>
/// Issue 17, item details: quantity, condition and an optional expiry. A pending or available donation
/// past its expires_at becomes expired through donation-service's sweeper (every second here), leaves
/// the listings, and request-service cancels its open requests from donation.expired.
/// </summary>
[Collection(StackCollection.Name)]
public sealed class ItemDetailsTests(StackFixture stack)
{
    [Fact]
    public async Task Item_details_are_kept_and_an_expired_donation_leaves_the_feed_and_ends_its_open_requests()
    {
        var donor = await stack.NewUserAsync("donor");
        var (ra, rb) = (await stack.NewUserAsync(), await stack.NewUserAsync());
        var expires = DateTime.UtcNow.AddHours(2);
        var created = await stack.ExpectAsync(await Create(donor, new
        {
            title = "Loaves " + Guid.NewGuid().ToString("N")[..6], category = "food", quantity = 3, condition = "like_new",
            expires_at = expires.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", System.Globalization.CultureInfo.InvariantCulture),
        }), 201);
        Assert.Equal(3, created.GetProperty("quantity").GetInt32());
        Assert.Equal("like_new", created.GetProperty("condition").GetString());
        Assert.Equal(expires, created.GetProperty("expires_at").GetDateTime().ToUniversalTime(), TimeSpan.FromMilliseconds(1));
        var donation = created.GetProperty("id").GetGuid();
        await stack.ApproveDonationAsync(donation);
        var qa = await stack.RequestIdAsync(ra, donation);
        var qb = await stack.RequestIdAsync(rb, donation);
        await stack.ExpectAsync(await stack.ActAsync(rb, qb, "cancel"), 200);

        // The expiry passes (moved back in the database: nobody waits two hours).
        await SetExpiryAsync(donation, "now() - interval '1 second'");
        await stack.WaitForDonationAsync(donor, donation, "expired");
        var cancelled = await stack.WaitForRequestAsync(ra, qa, "cancelled");
        Assert.Equal("donation_expired", cancelled.GetProperty("reason").GetString());
        var earlier = await stack.GetRequestAsync(rb, qb); // cancelled by its recipient before the expiry: left as it was
        Assert.Equal("cancelled", earlier.GetProperty("status").GetString());
        Assert.Equal(JsonValueKind.Null, earlier.GetProperty("reason").ValueKind);
        await stack.WaitForDonationCopyAsync(donation, "expired");

        // Exactly one donation.expired, and the donation is gone from public view and cannot be requested.
        Assert.Equal(1L, await StackFixture.ScalarAsync<long>(
            "select count(*) from donation.outbox where event_type = 'donation.expired' and envelope like '%' || @id || '%'", new { id = donation.ToString() }));
        await stack.ExpectProblemAsync(await StackFixture.SendAsync(stack.Donations, HttpMethod.Get, $"api/donations/{donation}"), 404);
        var feed = await stack.ExpectAsync(await StackFixture.SendAsync(stack.Donations, HttpMethod.Get, $"api/donations?donor_id={donor.Id}"), 200);
        Assert.DoesNotContain(feed.GetProperty("items").EnumerateArray(), i => i.GetProperty("id").GetGuid() == donation);
        var mine = await stack.ExpectAsync(await StackFixture.SendAsync(stack.Donations, HttpMethod.Get, $"api/donations?status=expired&donor_id={donor.Id}", donor.Token), 200);
        Assert.Contains(mine.GetProperty("items").EnumerateArray(), i => i.GetProperty("id").GetGuid() == donation);
        var late = await stack.NewUserAsync();
        var refused = await stack.PostRequestAsync(late, donation);
        Assert.True((int)refused.StatusCode is 404 or 409, $"a request for an expired donation got {(int)refused.StatusCode}");
        refused.Dispose();

        // Expired is final: no edit.
        await stack.ExpectProblemAsync(await StackFixture.SendAsync(stack.Donations, HttpMethod.Put, $"api/donations/{donation}", donor.Token, new { title = "Again", category = "food" }), 409);
    }

    [Fact]
    public async Task A_claimed_donation_does_not_expire_and_one_without_expiry_never_does()
    {
        var donor = await stack.NewUserAsync("donor");
        var recipient = await stack.NewUserAsync();
        var claimed = await AvailableAsync(donor, DateTime.UtcNow.AddHours(1));
        var forever = await stack.AvailableDonationAsync(donor);
        var request = await stack.RequestIdAsync(recipient, claimed);
        await stack.ApproveAndWaitAsync(donor, request);
        await SetExpiryAsync(claimed, "now() - interval '1 minute'");

        // A later donation with a past expiry is expired by the same sweeps: once it is, the claimed one was looked at too.
        var marker = await AvailableAsync(donor, DateTime.UtcNow.AddHours(1));
        await SetExpiryAsync(marker, "now() - interval '1 second'");
        await stack.WaitForDonationAsync(donor, marker, "expired");

        Assert.Equal("claimed", (await stack.WaitForDonationAsync(donor, claimed, "claimed")).GetProperty("status").GetString());
        Assert.Equal("approved", (await stack.GetRequestAsync(recipient, request)).GetProperty("status").GetString());
        Assert.Equal("available", (await stack.WaitForDonationAsync(donor, forever, "available")).GetProperty("status").GetString());
        Assert.Equal(0L, await StackFixture.ScalarAsync<long>(
            "select count(*) from donation.outbox where event_type = 'donation.expired' and (envelope like '%' || @a || '%' or envelope like '%' || @b || '%')",
            new { a = claimed.ToString(), b = forever.ToString() }));
    }

    [Theory]
    [InlineData("expires_at", "\"2020-01-01T00:00:00Z\"", "must be in the future")]
    [InlineData("expires_at", "\"2999-01-01T00:00:00Z\"", "at most 365 days ahead")]
    [InlineData("expires_at", "\"tomorrow\"", "date-time")]
    [InlineData("expires_at", "\"2030-01-01T00:00:00\"", "date-time")]
    [InlineData("expires_at", "12345", null)]
    [InlineData("quantity", "0", null)]
    [InlineData("quantity", "1001", null)]
    [InlineData("quantity", "2.5", null)]
    [InlineData("quantity", "\"3\"", null)]
    [InlineData("condition", "\"broken\"", null)]
    [InlineData("pickup_instructions", "\"\"", null)]
    public async Task Bad_item_details_are_400_naming_the_field(string field, string json, string? message)
    {
        var donor = await stack.NewUserAsync("donor");
        var body = $$"""{"title":"Bread","category":"food","{{field}}":{{json}}}""";
        var problem = await stack.ExpectProblemAsync(await StackFixture.SendAsync(stack.Donations, HttpMethod.Post, "api/donations", donor.Token, body), 400);
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out var errors), problem.ToString());
        if (message is not null)
        {
            Assert.Contains(message, errors.ToString(), StringComparison.Ordinal);
        }

        Assert.Equal(0L, await StackFixture.ScalarAsync<long>("select count(*) from donation.donations where donor_id = @id", new { id = donor.Id }));
    }

    private async Task<Guid> AvailableAsync(TestUser donor, DateTime expires)
    {
        var created = await stack.ExpectAsync(await Create(donor, new { title = "Soup " + Guid.NewGuid().ToString("N")[..6], category = "food", expires_at = expires }), 201);
        var id = created.GetProperty("id").GetGuid();
        await stack.ApproveDonationAsync(id);
        return id;
    }

    private Task<HttpResponseMessage> Create(TestUser donor, object body) =>
        StackFixture.SendAsync(stack.Donations, HttpMethod.Post, "api/donations", donor.Token, body);

    private static async Task SetExpiryAsync(Guid donation, string sql)
    {
        await using var connection = new Npgsql.NpgsqlConnection(Platform.Testing.TestEnvironment.MainDb);
        await Dapper.SqlMapper.ExecuteAsync(connection, $"update donation.donations set expires_at = {sql} where id = @donation", new { donation });
    }
}
