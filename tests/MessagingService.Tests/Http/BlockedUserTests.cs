using Platform.Contracts.Events;
using static MessagingService.Tests.Http.MessagingServiceFixture;

namespace MessagingService.Tests.Http;

/// <summary>profile.blocked stops a user's messages and reports here; profile.unblocked lets them write again; a late, older block is ignored.</summary>
[Collection(MessagingServiceCollection.Name)]
public sealed class BlockedUserTests(MessagingServiceFixture app)
{
    [Fact]
    public async Task A_blocked_user_cannot_send_or_report_until_unblocked_and_a_stale_block_changes_nothing()
    {
        var (mallory, alice) = (app.NewUser(), app.NewUser());
        var received = IdOf(await app.SendMessageAsync(alice, mallory.Id, "hi"));
        ProfileSnapshot Profile(bool blocked, long version) => new(mallory.Id, "donor", "none", blocked, "Mallory", version);

        await app.SettleAsync(await app.Broker.PublishAsync(new ProfileBlocked(Profile(true, 2), app.AdminId, "spam")));

        await app.ExpectAsync(await app.PostAsync("api/messages", mallory.Token, new { receiver_id = alice.Id, content = "let me in" }), 403);
        await app.ExpectAsync(await app.PostAsync("api/reports", mallory.Token, new { target_type = "user", target_id = alice.Id, reason = "revenge" }), 403);
        Assert.Single(Ids(await app.GetJsonAsync($"api/messages?with={alice.Id}", mallory.Token)));
        await app.ExpectAsync(await app.PostAsync($"api/messages/{received}/read", mallory.Token), 200);

        var unblocked = await app.Broker.PublishAsync(new ProfileUnblocked(Profile(false, 3), app.AdminId));
        var late = await app.Broker.PublishAsync(new ProfileBlocked(Profile(true, 2), app.AdminId, "an old event, delivered late"));
        await app.SettleAsync(unblocked, late);

        await app.SendMessageAsync(mallory, alice.Id, "I am back");
        var types = Items(await app.GetJsonAsync("api/notifications", mallory.Token)).Select(n => n.GetProperty("type").GetString()).ToList();
        Assert.Equal(["profile.unblocked", "profile.blocked", "message.sent"], types);
    }
}
