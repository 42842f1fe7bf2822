using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace RequestService.Tests.EndToEnd;

/// <summary>Retries with an Idempotency-Key (API.md, Conventions), and races a client can cause.</summary>
[Collection(StackCollection.Name)]
public sealed class IdempotencyAndRaceTests(StackFixture stack)
{
    [Fact]
    public async Task A_create_retried_with_the_same_key_replays_the_first_response_and_another_body_is_422()
    {
        var donor = await stack.NewUserAsync("donor");
        var recipient = await stack.NewUserAsync();
        var donation = await stack.AvailableDonationAsync(donor);
        var key = "create-" + Guid.NewGuid().ToString("N");

        var first = await stack.ExpectAsync(await PostWithKeyAsync(recipient, key, new { donation_id = donation, message = "hi" }), 201);
        using var retry = await PostWithKeyAsync(recipient, key, new { donation_id = donation, message = "hi" });
        var replayed = await stack.ExpectAsync(retry, 201);

        Assert.Equal("true", retry.Headers.TryGetValues("Idempotent-Replayed", out var values) ? values.Single() : null);
        Assert.Equal(first.GetProperty("id").GetGuid(), replayed.GetProperty("id").GetGuid());
        await stack.ExpectProblemAsync(await PostWithKeyAsync(recipient, key, new { donation_id = donation, message = "changed" }), 422);
        Assert.Equal(1, await StackFixture.CountRequestsOfAsync(recipient.Id));
        Assert.Equal(1L, await StackFixture.ScalarAsync<long>(
            "select count(*) from request.outbox where event_type = 'request.created' and (envelope::jsonb #>> '{data,request,recipient_id}') = @id",
            new { id = recipient.Id.ToString() }));
    }

    /// <summary>
    /// API.md: "a retry with the same key and body returns the first response". The client lost the
    /// 201, and by the time it retries the donor has approved and the item is claimed: the retry must
    /// still replay the 201 (the request exists), not answer 409 "not available".
    /// </summary>
    [Fact]
    public async Task A_create_retried_with_the_same_key_after_the_item_was_claimed_still_replays_the_first_response()
    {
        var donor = await stack.NewUserAsync("donor");
        var recipient = await stack.NewUserAsync();
        var donation = await stack.AvailableDonationAsync(donor);
        var key = "create-" + Guid.NewGuid().ToString("N");
        var body = new { donation_id = donation, message = "hi" };
        var first = await stack.ExpectAsync(await PostWithKeyAsync(recipient, key, body), 201);
        await stack.ApproveAndWaitAsync(donor, first.GetProperty("id").GetGuid());
        await stack.WaitForDonationAsync(donor, donation, "claimed");

        using var retry = await PostWithKeyAsync(recipient, key, body);
        var text = await retry.Content.ReadAsStringAsync();

        Assert.True(retry.StatusCode == HttpStatusCode.Created, stack.Describe($"the retry was not replayed: {(int)retry.StatusCode} {text}"));
        Assert.Equal(first.GetProperty("id").GetGuid(), JsonDocument.Parse(text).RootElement.GetProperty("id").GetGuid());
    }

    [Fact]
    public async Task A_rating_retried_with_the_same_key_counts_once()
    {
        var donor = await stack.NewUserAsync("donor");
        var recipient = await stack.NewUserAsync();
        var donation = await stack.AvailableDonationAsync(donor);
        var request = await stack.RequestIdAsync(recipient, donation);
        await stack.ApproveAndWaitAsync(donor, request);
        await stack.ExpectAsync(await stack.ActAsync(donor, request, "complete"), 200);
        var key = "rate-" + Guid.NewGuid().ToString("N");

        var first = await stack.ExpectAsync(await SendWithKeyAsync("api/ratings", recipient, key, new { request_id = request, rating = 3 }), 201);
        var again = await stack.ExpectAsync(await SendWithKeyAsync("api/ratings", recipient, key, new { request_id = request, rating = 3 }), 201);

        Assert.Equal(first.GetProperty("id").GetGuid(), again.GetProperty("id").GetGuid());
        JsonElement profile = default;
        Assert.True(
            await StackFixture.PollAsync(async () =>
            {
                profile = await stack.ExpectAsync(await StackFixture.SendAsync(stack.Donations, HttpMethod.Get, $"api/profiles/{donor.Id}"), 200);
                return profile.GetProperty("rating_count").GetInt32() >= 1;
            }),
            stack.Describe("the rating never reached donation-service: " + profile));
        await Task.Delay(300);
        profile = await stack.ExpectAsync(await StackFixture.SendAsync(stack.Donations, HttpMethod.Get, $"api/profiles/{donor.Id}"), 200);
        Assert.Equal(1, profile.GetProperty("rating_count").GetInt32());
        Assert.Equal(3m, profile.GetProperty("rating_avg").GetDecimal());
    }

    [Fact]
    public async Task Two_identical_creates_at_the_same_moment_make_one_request()
    {
        var donor = await stack.NewUserAsync("donor");
        var recipient = await stack.NewUserAsync();
        var donation = await stack.AvailableDonationAsync(donor);

        var answers = await Task.WhenAll(stack.PostRequestAsync(recipient, donation), stack.PostRequestAsync(recipient, donation));

        Assert.Equal([HttpStatusCode.Created, HttpStatusCode.Conflict], answers.Select(a => a.StatusCode).Order());
        Assert.Equal(1, await StackFixture.CountRequestsOfAsync(recipient.Id));
    }

    [Fact]
    public async Task Cancelling_while_approving_leaves_the_item_available_in_the_end()
    {
        var donor = await stack.NewUserAsync("donor");
        var recipient = await stack.NewUserAsync();
        var donation = await stack.AvailableDonationAsync(donor);
        var request = await stack.RequestIdAsync(recipient, donation);

        await stack.ExpectAsync(await stack.ActAsync(donor, request, "approve"), 202);
        await stack.ExpectAsync(await stack.ActAsync(recipient, request, "cancel"), 200);

        // Whatever order donation-service handles claim and release in, once it has handled the
        // approval (and a late claim was handed back) the item is available.
        var handled = await StackFixture.PollAsync(async () => await StackFixture.ScalarAsync<long>(
            """
            select count(*) from donation.inbox i join request.outbox o on i.message_id = o.event_id::text
             where o.event_type in ('request.approved', 'request.cancelled') and (o.envelope::jsonb #>> '{data,request,request_id}') = @id
            """,
            new { id = request.ToString() }) >= 2);
        Assert.True(handled, stack.Describe("donation-service did not handle request.approved and request.cancelled"));
        await stack.WaitForDonationAsync(donor, donation, "available");
        Assert.Equal("cancelled", (await stack.GetRequestAsync(recipient, request)).GetProperty("status").GetString());
        var another = await stack.NewUserAsync();
        await stack.CreateRequestAsync(another, donation);
    }

    private Task<HttpResponseMessage> PostWithKeyAsync(TestUser user, string key, object body) => SendWithKeyAsync("api/requests", user, key, body);

    private Task<HttpResponseMessage> SendWithKeyAsync(string path, TestUser user, string key, object body)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path)
        {
            Content = new StringContent(JsonSerializer.Serialize(body, StackFixture.JsonOptions), Encoding.UTF8, "application/json"),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", user.Token);
        request.Headers.Add("Idempotency-Key", key);
        return stack.Requests.Client.SendAsync(request);
    }
}
