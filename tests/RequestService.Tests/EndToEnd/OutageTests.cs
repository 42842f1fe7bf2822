using System.Net;

namespace RequestService.Tests.EndToEnd;

/// <summary>
/// The sync call. With donation-service down: a request its copies cannot confirm → 503 problem+json
/// with Retry-After, nothing written; a request its copies confirm is still created.
/// </summary>
[Collection(StackCollection.Name)]
public sealed class OutageTests(StackFixture stack)
{
    [Fact]
    public async Task Donation_service_stopped_means_503_and_nothing_written_when_the_copies_cannot_confirm_then_the_post_works_after_restart()
    {
        var donor = await stack.NewUserAsync("donor");
        var recipient = await stack.NewUserAsync();

        // Still pending: the copy (if its event has arrived) says pending, so only donation-service can decide.
        var donation = await stack.PendingDonationAsync(donor);

        await stack.KillDonationServiceAsync();
        try
        {
            using var response = await stack.PostRequestAsync(recipient, donation, "please");
            Assert.True(response.StatusCode == HttpStatusCode.ServiceUnavailable, stack.Describe($"expected 503 while donation-service is down, got {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}"));
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            Assert.True(response.Headers.RetryAfter is { Delta: { } delay } && delay > TimeSpan.Zero, "no Retry-After: " + response.Headers);
            var problem = await stack.ExpectProblemAsync(response, 503);
            Assert.Contains("donation-service", StackFixture.Detail(problem), StringComparison.Ordinal);
            Assert.Equal(0, await StackFixture.CountRequestsOfAsync(recipient.Id));

            // request-service itself stays healthy: its own database and broker are fine.
            using var health = await stack.Requests.Client.GetAsync("api/health");
            Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        }
        finally
        {
            await stack.RestartDonationServiceAsync();
        }

        await stack.ApproveDonationAsync(donation);

        // The POST works again (the circuit breaker may hold for its 5 s break: retry while 503).
        HttpResponseMessage? created = null;
        var worked = await StackFixture.PollAsync(async () =>
        {
            created?.Dispose();
            created = await stack.PostRequestAsync(recipient, donation, "please");
            return created.StatusCode != HttpStatusCode.ServiceUnavailable;
        });
        Assert.True(worked, stack.Describe("request-service still answers 503 after donation-service came back"));
        var request = await stack.ExpectAsync(created!, 201);
        Assert.Equal(donor.Id, request.GetProperty("donor_id").GetGuid());
        Assert.Equal(1, await StackFixture.CountRequestsOfAsync(recipient.Id));
    }

    [Fact]
    public async Task With_donation_service_stopped_a_request_the_copies_confirm_is_still_created()
    {
        var donor = await stack.NewUserAsync("donor");
        var recipient = await stack.NewUserAsync();
        var donation = await stack.AvailableDonationAsync(donor);
        await stack.WaitForCopiesAsync(recipient.Id, "recipient", donation, "available");

        await stack.KillDonationServiceAsync();
        try
        {
            var request = await stack.CreateRequestAsync(recipient, donation, "please");

            Assert.Equal(donor.Id, request.GetProperty("donor_id").GetGuid());
            Assert.Equal("pending", request.GetProperty("status").GetString());
            Assert.Equal(1, await StackFixture.CountRequestsOfAsync(recipient.Id));

            // A second request for the same donation is still refused by request-service's own rule.
            await stack.ExpectProblemAsync(await stack.PostRequestAsync(recipient, donation), 409);
        }
        finally
        {
            await stack.RestartDonationServiceAsync();
        }
    }
}
