using Platform.Contracts;
using Platform.Contracts.Events;
using Platform.Eventing;
using Platform.Testing;
using RabbitMQ.Client;

namespace RequestService.Tests.EndToEnd;

/// <summary>
/// Issue 18, point 4: a donor blocks a recipient in messaging-service (user.blocked); request-service
/// refuses that recipient's requests for the donor's donations until user.unblocked, newest version wins.
/// </summary>
[Collection(StackCollection.Name)]
public sealed class UserBlockTests(StackFixture stack)
{
    [Fact]
    public async Task A_recipient_the_donor_blocked_cannot_request_their_donations_until_unblocked_and_a_late_old_block_changes_nothing()
    {
        var donor = await stack.NewUserAsync("donor");
        var (blocked, other) = (await stack.NewUserAsync(), await stack.NewUserAsync());
        var donation = await stack.AvailableDonationAsync(donor);

        await PublishAsync(new UserBlocked(donor.Id, blocked.Id, 1));
        await WaitForCopyAsync(donor.Id, blocked.Id, 1);

        var refused = await stack.ExpectProblemAsync(await stack.PostRequestAsync(blocked, donation), 403);
        Assert.Equal("The donor does not accept requests from you.", StackFixture.Detail(refused));
        Assert.Equal(0L, await StackFixture.CountRequestsOfAsync(blocked.Id));
        await stack.RequestIdAsync(other, donation);

        await PublishAsync(new UserUnblocked(donor.Id, blocked.Id, 2));
        await WaitForCopyAsync(donor.Id, blocked.Id, 2);
        await PublishAsync(new UserBlocked(donor.Id, blocked.Id, 1));
        await PublishAsync(new UserBlocked(blocked.Id, donor.Id, 1));
        await WaitForCopyAsync(blocked.Id, donor.Id, 1);

        // The late block of version 1 did not come back; the recipient's own block of the donor does not stop them asking.
        Assert.False(await StackFixture.ScalarAsync<bool>(
            "select blocked from request.user_blocks where blocker_id = @donor and blocked_id = @blocked", new { donor = donor.Id, blocked = blocked.Id }));
        await stack.RequestIdAsync(blocked, donation);
    }

    /// <summary>Publishes the event as messaging-service's relay does (its broker user, app-id and source), so the publisher check lets it in.</summary>
    private static async Task PublishAsync(IIntegrationEvent payload)
    {
        await using var publisher = new ServiceEventPublisher();
        await publisher.PublishAsync(payload, Guid.CreateVersion7());
    }

    private async Task WaitForCopyAsync(Guid blocker, Guid blocked, long version) =>
        Assert.True(
            await StackFixture.PollAsync(async () => await StackFixture.ScalarAsync<long?>(
                "select version from request.user_blocks where blocker_id = @blocker and blocked_id = @blocked", new { blocker, blocked }) == version),
            stack.Describe($"request-service never held version {version} of the block"));
}
