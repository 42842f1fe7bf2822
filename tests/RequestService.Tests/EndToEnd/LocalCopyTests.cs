using Dapper;
using Npgsql;
using Platform.Contracts.Events;
using Platform.Data;
using Platform.Testing;
using RequestService.Copies;

namespace RequestService.Tests.EndToEnd;

/// <summary>
/// request-service's copies of donations and profiles follow donation-service's events through the
/// whole life of a donation, and a copy never goes back to an older version.
/// </summary>
[Collection(StackCollection.Name)]
public sealed class LocalCopyTests(StackFixture stack)
{
    [Fact]
    public async Task The_donation_copy_follows_review_claim_release_completion_and_deletion()
    {
        var donor = await stack.NewUserAsync("donor");
        var (first, second) = (await stack.NewUserAsync(), await stack.NewUserAsync());
        var donation = await stack.PendingDonationAsync(donor);
        await stack.WaitForDonationCopyAsync(donation, "pending");

        await stack.ApproveDonationAsync(donation);
        await stack.WaitForDonationCopyAsync(donation, "available");

        var held = await stack.RequestIdAsync(first, donation);
        await stack.ApproveAndWaitAsync(donor, held);
        await stack.WaitForDonationCopyAsync(donation, "claimed");

        // A claimed donation: the copy does not confirm, donation-service says 409.
        Assert.Contains("not available", StackFixture.Detail(await stack.ExpectProblemAsync(await stack.PostRequestAsync(second, donation), 409)), StringComparison.Ordinal);

        await stack.ExpectAsync(await stack.ActAsync(first, held, "cancel"), 200);
        await stack.WaitForDonationCopyAsync(donation, "available");

        var handed = await stack.RequestIdAsync(second, donation);
        await stack.ApproveAndWaitAsync(donor, handed);
        await stack.ExpectAsync(await stack.ActAsync(donor, handed, "complete"), 200);
        await stack.WaitForDonationCopyAsync(donation, "completed");

        var other = await stack.AvailableDonationAsync(donor);
        await stack.ExpectAsync(await StackFixture.SendAsync(stack.Donations, HttpMethod.Delete, $"api/donations/{other}", donor.Token), 204);
        await stack.WaitForDonationCopyAsync(other, LocalCopies.Deleted);
        await stack.ExpectProblemAsync(await stack.PostRequestAsync(first, other), 404);
    }

    [Fact]
    public async Task The_profile_copy_follows_role_changes_and_a_former_recipient_is_refused()
    {
        var donor = await stack.NewUserAsync("donor");
        var user = await stack.NewUserAsync();
        var donation = await stack.AvailableDonationAsync(donor);
        await stack.WaitForCopiesAsync(user.Id, "recipient", donation, "available");

        await stack.ExpectAsync(await StackFixture.SendAsync(stack.Donations, HttpMethod.Put, "api/profiles/me", user.Token, new { role = "donor" }), 200);
        Assert.True(
            await StackFixture.PollAsync(async () => await StackFixture.ScalarAsync<string?>("select role from request.profile_copies where user_id = @id", new { id = user.Id }) == "donor"),
            stack.Describe("the profile copy never saw the role change"));

        Assert.Contains("Only recipients", StackFixture.Detail(await stack.ExpectProblemAsync(await stack.PostRequestAsync(user, donation), 403)), StringComparison.Ordinal);
        Assert.Equal(0, await StackFixture.CountRequestsOfAsync(user.Id));
    }

    /// <summary>Events may arrive out of order: an older snapshot never replaces a newer one.</summary>
    [Fact]
    public async Task An_older_version_never_replaces_a_newer_one()
    {
        DefaultTypeMap.MatchNamesWithUnderscores = true; // as AddServiceDatabase sets it in the service
        await using var source = NpgsqlDataSource.Create(TestEnvironment.Require("RequestDbConnection"));
        var copies = new LocalCopies(new ServiceDatabase(source, "request"));
        var (userId, donationId, donorId) = (Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid());

        await using (var uow = await new ServiceDatabase(source, "request").BeginAsync())
        {
            Assert.True(await copies.ApplyDonationAsync(uow, donationId, donorId, "claimed", 5, CancellationToken.None));
            Assert.False(await copies.ApplyDonationAsync(uow, donationId, donorId, "available", 4, CancellationToken.None));
            Assert.False(await copies.ApplyDonationAsync(uow, donationId, donorId, "available", 5, CancellationToken.None));
            Assert.True(await copies.ApplyProfileAsync(uow, new ProfileSnapshot(userId, "recipient", "none", true, null, 3), CancellationToken.None));
            Assert.False(await copies.ApplyProfileAsync(uow, new ProfileSnapshot(userId, "recipient", "none", false, null, 2), CancellationToken.None));
            await uow.CommitAsync();
        }

        var facts = await copies.ReadForRequestAsync(userId, donationId, CancellationToken.None);
        Assert.Equal(("recipient", true, donorId, "claimed"), (facts.Role, facts.Blocked!.Value, facts.DonorId!.Value, facts.Status));
        Assert.False(facts.ConfirmRequestBy(userId));

        var unknown = await copies.ReadForRequestAsync(Guid.NewGuid(), Guid.NewGuid(), CancellationToken.None);
        Assert.Equal((null, null, null, null), (unknown.Role, unknown.Blocked, unknown.DonorId, unknown.Status));
    }
}
