using System.Text;
using System.Text.Json;
using Platform.Contracts;
using Platform.Testing;

namespace RequestService.Tests.EndToEnd;

/// <summary>The claim saga between request-service and donation-service (ARCHITECTURE.md, "Sagas").</summary>
[Collection(StackCollection.Name)]
public sealed class SagaTests(StackFixture stack)
{
    [Fact]
    public async Task The_whole_saga_request_approve_claim_cancel_release_request_again_approve_complete()
    {
        var donor = await stack.NewUserAsync("donor");
        var (r1, r2, r3, r4) = (await stack.NewUserAsync(), await stack.NewUserAsync(), await stack.NewUserAsync(), await stack.NewUserAsync());
        var donation = await stack.AvailableDonationAsync(donor);

        // The donor id comes from donation-service's answer, never from the body.
        var first = await stack.ExpectAsync(
            await stack.PostRequestAsync(r1, donation, extra: new { donation_id = donation, message = "Could I have it?", donor_id = r2.Id }), 201);
        Assert.Equal("pending", first.GetProperty("status").GetString());
        Assert.Equal(donor.Id, first.GetProperty("donor_id").GetGuid());
        Assert.Equal(r1.Id, first.GetProperty("recipient_id").GetGuid());
        Assert.Equal(donation, first.GetProperty("donation_id").GetGuid());
        Assert.Equal("Could I have it?", first.GetProperty("message").GetString());
        var q1 = first.GetProperty("id").GetGuid();
        var q2 = await stack.RequestIdAsync(r2, donation);
        var q3 = await stack.RequestIdAsync(r3, donation);

        // Donor approves one: 202 approving, then the saga makes it approved and rejects the others.
        await stack.ApproveAndWaitAsync(donor, q1);
        foreach (var (who, id) in new[] { (r2, q2), (r3, q3) })
        {
            var other = await stack.WaitForRequestAsync(who, id, "rejected");
            Assert.Equal("another_request_was_approved", other.GetProperty("reason").GetString());
        }

        await stack.WaitForDonationAsync(donor, donation, "claimed");

        // Lists: the donor sees what they received, the recipient their own.
        var received = await stack.ExpectAsync(await StackFixture.SendAsync(stack.Requests, HttpMethod.Get, $"api/requests?role=received&donation_id={donation}", donor.Token), 200);
        Assert.Equal(new[] { q1, q2, q3 }.Order(), Ids(received).Order());
        var approvedOnly = await stack.ExpectAsync(await StackFixture.SendAsync(stack.Requests, HttpMethod.Get, $"api/requests?donation_id={donation}&status=approved", donor.Token), 200);
        Assert.Equal([q1], Ids(approvedOnly));
        var mine = await stack.ExpectAsync(await StackFixture.SendAsync(stack.Requests, HttpMethod.Get, "api/requests?role=mine", r2.Token), 200);
        Assert.Equal([q2], Ids(mine));

        // The recipient cancels the approved request: the item is available again.
        var cancelled = await stack.ExpectAsync(await stack.ActAsync(r1, q1, "cancel"), 200);
        Assert.Equal("cancelled", cancelled.GetProperty("status").GetString());
        await stack.WaitForDonationAsync(donor, donation, "available");

        // A new request is approved and completed: the item is completed.
        var q4 = await stack.RequestIdAsync(r4, donation);
        await stack.ApproveAndWaitAsync(donor, q4);
        await stack.WaitForDonationAsync(donor, donation, "claimed");
        var completed = await stack.ExpectAsync(await stack.ActAsync(donor, q4, "complete"), 200);
        Assert.Equal("completed", completed.GetProperty("status").GetString());
        await stack.WaitForDonationAsync(donor, donation, "completed");
        Assert.Equal(
            q4,
            await StackFixture.ScalarAsync<Guid>("select claimed_request_id from donation.donations where id = @donation", new { donation }));
    }

    [Fact]
    public async Task Two_approvals_of_different_requests_at_the_same_moment_end_with_exactly_one_approved()
    {
        var donor = await stack.NewUserAsync("donor");
        var (ra, rb, rc) = (await stack.NewUserAsync(), await stack.NewUserAsync(), await stack.NewUserAsync());
        var donation = await stack.AvailableDonationAsync(donor);
        var qa = await stack.RequestIdAsync(ra, donation);
        var qb = await stack.RequestIdAsync(rb, donation);
        var qc = await stack.RequestIdAsync(rc, donation);

        var answers = await Task.WhenAll(stack.ActAsync(donor, qa, "approve"), stack.ActAsync(donor, qb, "approve"));
        foreach (var answer in answers)
        {
            Assert.Equal("approving", (await stack.ExpectAsync(answer, 202)).GetProperty("status").GetString());
        }

        var a = await stack.WaitForRequestAsync(donor, qa, "approved", "rejected");
        var b = await stack.WaitForRequestAsync(donor, qb, "approved", "rejected");
        var c = await stack.WaitForRequestAsync(donor, qc, "rejected");
        var outcomes = new[] { a, b };
        var winner = Assert.Single(outcomes, r => r.GetProperty("status").GetString() == "approved");
        var loser = Assert.Single(outcomes, r => r.GetProperty("status").GetString() == "rejected");
        Assert.False(string.IsNullOrEmpty(loser.GetProperty("reason").GetString()), "the losing request has no reason: " + loser);
        Assert.Equal("another_request_was_approved", c.GetProperty("reason").GetString());

        await stack.WaitForDonationAsync(donor, donation, "claimed");
        Assert.Equal(
            winner.GetProperty("id").GetGuid(),
            await StackFixture.ScalarAsync<Guid>("select claimed_request_id from donation.donations where id = @donation", new { donation }));

        // Settled: the late claim_rejected (or release) of the loser changes nothing afterwards.
        await Task.Delay(500);
        Assert.Equal("approved", (await stack.GetRequestAsync(donor, winner.GetProperty("id").GetGuid())).GetProperty("status").GetString());
        Assert.Equal("rejected", (await stack.GetRequestAsync(donor, loser.GetProperty("id").GetGuid())).GetProperty("status").GetString());
        await stack.WaitForDonationAsync(donor, donation, "claimed");
    }

    [Fact]
    public async Task A_donation_deleted_while_a_request_is_approving_ends_the_requests_and_stays_deleted()
    {
        var donor = await stack.NewUserAsync("donor");
        var (ra, rb) = (await stack.NewUserAsync(), await stack.NewUserAsync());
        var donation = await stack.AvailableDonationAsync(donor);
        var qa = await stack.RequestIdAsync(ra, donation);
        var qb = await stack.RequestIdAsync(rb, donation);

        await stack.ExpectAsync(await stack.ActAsync(donor, qa, "approve"), 202);
        await stack.ExpectAsync(await StackFixture.SendAsync(stack.Donations, HttpMethod.Delete, $"api/donations/{donation}", donor.Token), 204);

        var a = await stack.WaitForRequestAsync(ra, qa, "rejected", "cancelled");
        Assert.False(string.IsNullOrEmpty(a.GetProperty("reason").GetString()), "no reason on " + a);
        await stack.WaitForRequestAsync(rb, qb, "rejected", "cancelled");

        // Let the compensations (release of a claim that arrived late) run, then look again.
        await Task.Delay(1000);
        Assert.Contains((await stack.GetRequestAsync(ra, qa)).GetProperty("status").GetString(), new[] { "rejected", "cancelled" });
        Assert.True(
            await StackFixture.ScalarAsync<bool>("select deleted_at is not null from donation.donations where id = @donation", new { donation }),
            stack.Describe("the donation is no longer deleted"));
        await stack.ExpectProblemAsync(await StackFixture.SendAsync(stack.Donations, HttpMethod.Get, $"api/donations/{donation}", donor.Token), 404);

        // Nobody can ask for it any more.
        await stack.ExpectProblemAsync(await stack.PostRequestAsync(await stack.NewUserAsync(), donation), 404);
    }

    [Fact]
    public async Task A_redelivered_request_approved_has_no_second_effect()
    {
        var donor = await stack.NewUserAsync("donor");
        var recipient = await stack.NewUserAsync();
        var donation = await stack.AvailableDonationAsync(donor);
        var request = await stack.RequestIdAsync(recipient, donation);
        await stack.ApproveAndWaitAsync(donor, request);
        await stack.WaitForDonationAsync(donor, donation, "claimed");

        var (eventId, envelope) = await ApprovedEnvelopeAsync(request);
        Assert.Equal(1, await InboxRowsAsync(eventId));
        Assert.Equal(1, await ClaimedRowsAsync(request));
        var version = await DonationVersionAsync(donation);

        // Again while the item is claimed by this request.
        await RedeliverAsync(eventId, envelope);
        Assert.Equal(1, await InboxRowsAsync(eventId));
        Assert.Equal(1, await ClaimedRowsAsync(request));
        Assert.Equal(version, await DonationVersionAsync(donation));
        Assert.Equal("approved", (await stack.GetRequestAsync(recipient, request)).GetProperty("status").GetString());

        // Again after the claim was released: without the inbox this would claim the item once more.
        await stack.ExpectAsync(await stack.ActAsync(recipient, request, "cancel"), 200);
        await stack.WaitForDonationAsync(donor, donation, "available");
        version = await DonationVersionAsync(donation);
        await RedeliverAsync(eventId, envelope);
        Assert.Equal(1, await InboxRowsAsync(eventId));
        Assert.Equal(1, await ClaimedRowsAsync(request));
        Assert.Equal(version, await DonationVersionAsync(donation));
        await stack.WaitForDonationAsync(donor, donation, "available");
        Assert.Equal("cancelled", (await stack.GetRequestAsync(recipient, request)).GetProperty("status").GetString());
    }

    /// <summary>
    /// Publishes the exact envelope again to the platform exchange, then waits until a donation-service
    /// says it skipped it (ours logs it; another instance on the shared queue may take it instead, so
    /// the wait is bounded and the assertions after it are what count).
    /// </summary>
    private async Task RedeliverAsync(Guid eventId, string envelope)
    {
        // As request-service's relay sent it: its own broker user, app-id and source (the consumer checks them).
        await using (var publisher = new ServiceEventPublisher())
        {
            Assert.Equal(eventId.ToString(), CloudEvent.Parse(Encoding.UTF8.GetBytes(envelope)).Id);
            await publisher.PublishEnvelopeAsync(CloudEvent.Parse(Encoding.UTF8.GetBytes(envelope)));
        }

        var skipped = await StackFixture.PollAsync(
            () => Task.FromResult(stack.Donations.OutputTail.Contains($"Skipped request.approved {eventId}", StringComparison.Ordinal)),
            TimeSpan.FromSeconds(8));
        if (!skipped)
        {
            await Task.Delay(1000);
        }
    }

    private static async Task<(Guid EventId, string Envelope)> ApprovedEnvelopeAsync(Guid requestId)
    {
        await using var connection = new Npgsql.NpgsqlConnection(TestEnvironment.MainDb);
        var row = await Dapper.SqlMapper.QuerySingleAsync<(Guid, string)>(
            connection,
            """
            select event_id, envelope from request.outbox
             where event_type = 'request.approved' and (envelope::jsonb #>> '{data,request,request_id}') = @id
            """,
            new { id = requestId.ToString() });
        using var parsed = JsonDocument.Parse(row.Item2);
        Assert.Equal(row.Item1.ToString(), parsed.RootElement.GetProperty("id").GetString());
        return row;
    }

    private static Task<long> InboxRowsAsync(Guid eventId) =>
        StackFixture.ScalarAsync<long>("select count(*) from donation.inbox where message_id = @id", new { id = eventId.ToString() });

    private static Task<long> ClaimedRowsAsync(Guid requestId) =>
        StackFixture.ScalarAsync<long>(
            "select count(*) from donation.outbox where event_type = 'donation.claimed' and (envelope::jsonb #>> '{data,request_id}') = @id",
            new { id = requestId.ToString() });

    private static Task<long> DonationVersionAsync(Guid donation) =>
        StackFixture.ScalarAsync<long>("select version from donation.donations where id = @donation", new { donation });

    private static List<Guid> Ids(JsonElement page) =>
        page.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("id").GetGuid()).ToList();
}
