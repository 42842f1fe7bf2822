using Dapper;
using Npgsql;
using Platform.Contracts.Events;
using static MessagingService.Tests.Http.MessagingServiceFixture;

namespace MessagingService.Tests.Http;

/// <summary>
/// Issue 18, point 4: messages go only to users messaging knows and who do not block the sender; users
/// block, list and unblock; user.blocked / user.unblocked carry a growing version; the conversation
/// list is kept per user as messages are sent, read and removed.
/// </summary>
[Collection(MessagingServiceCollection.Name)]
public sealed class BlockApiTests(MessagingServiceFixture app)
{
    [Fact]
    public async Task A_message_to_someone_no_profile_event_named_is_404_until_their_profile_arrives()
    {
        var (alice, stranger) = (app.NewUser(), app.UnknownUser());

        var refused = await app.ExpectAsync(await app.PostAsync("api/messages", alice.Token, new { receiver_id = stranger.Id, content = "hello?" }), 404);
        Assert.Contains("not a user", refused.GetProperty("detail").GetString(), StringComparison.Ordinal);
        await app.ExpectAsync(await app.PostAsync("api/messages", alice.Token, new { receiver_id = Guid.NewGuid(), content = "anyone?" }), 404);
        Assert.Empty(Items(await app.GetJsonAsync("api/conversations", alice.Token)));

        await app.SettleAsync(await app.Broker.PublishAsync(new ProfileCreated(new ProfileSnapshot(stranger.Id, "donor", "none", false, "Sam", 1))));

        await app.SendMessageAsync(alice, stranger.Id, "welcome");
    }

    [Fact]
    public async Task A_blocked_user_cannot_message_the_blocker_the_blocker_cannot_message_them_and_unblocking_restores_both()
    {
        var (alice, bob, carol) = (app.NewUser(), app.NewUser(), app.NewUser());
        await app.SendMessageAsync(alice, bob.Id, "hi bob");

        var block = await app.ExpectAsync(await app.SendAsync(HttpMethod.Put, $"api/blocks/{alice.Id}", bob.Token), 200);
        Assert.Equal(alice.Id, block.GetProperty("user_id").GetGuid());
        var again = await app.ExpectAsync(await app.SendAsync(HttpMethod.Put, $"api/blocks/{alice.Id}", bob.Token), 200);
        Assert.Equal(block.GetProperty("blocked_at").GetDateTime(), again.GetProperty("blocked_at").GetDateTime());

        var refused = await app.ExpectAsync(await app.PostAsync("api/messages", alice.Token, new { receiver_id = bob.Id, content = "why?" }), 403);
        Assert.Equal("This user does not accept messages from you.", refused.GetProperty("detail").GetString());
        await app.ExpectAsync(await app.PostAsync("api/messages", bob.Token, new { receiver_id = alice.Id, content = "one last word" }), 409);
        await app.SendMessageAsync(carol, bob.Id, "others still can");
        await app.SendMessageAsync(alice, carol.Id, "and alice writes to others");
        Assert.Single(Ids(await app.GetJsonAsync($"api/messages?with={bob.Id}", alice.Token)));

        Assert.Equal([alice.Id], Items(await app.GetJsonAsync("api/blocks", bob.Token)).Select(b => b.GetProperty("user_id").GetGuid()));
        Assert.Empty(Items(await app.GetJsonAsync("api/blocks", alice.Token)));
        var blocked = Assert.Single(await Outbox.EventsAsync("user.blocked", "blocker_id", bob.Id));
        Assert.Equal(alice.Id, blocked.GetProperty("blocked_id").GetGuid());
        Assert.Equal(1, blocked.GetProperty("version").GetInt64());

        await app.ExpectAsync(await app.SendAsync(HttpMethod.Delete, $"api/blocks/{alice.Id}", bob.Token), 204);
        await app.ExpectAsync(await app.SendAsync(HttpMethod.Delete, $"api/blocks/{alice.Id}", bob.Token), 204);
        Assert.Empty(Items(await app.GetJsonAsync("api/blocks", bob.Token)));
        Assert.Equal(2, Assert.Single(await Outbox.EventsAsync("user.unblocked", "blocker_id", bob.Id)).GetProperty("version").GetInt64());
        await app.SendMessageAsync(alice, bob.Id, "friends again");
        await app.SendMessageAsync(bob, alice.Id, "yes");

        await app.ExpectAsync(await app.SendAsync(HttpMethod.Put, $"api/blocks/{alice.Id}", bob.Token), 200);
        Assert.Equal([1L, 3L], (await Outbox.EventsAsync("user.blocked", "blocker_id", bob.Id)).Select(e => e.GetProperty("version").GetInt64()));
    }

    [Fact]
    public async Task Blocking_refuses_oneself_unknown_users_bad_ids_and_anonymous_callers_and_lists_page_newest_first()
    {
        var alice = app.NewUser();
        var others = new[] { app.NewUser(), app.NewUser(), app.NewUser() };

        await app.ExpectAsync(await app.SendAsync(HttpMethod.Put, $"api/blocks/{alice.Id}", alice.Token), 400);
        await app.ExpectAsync(await app.SendAsync(HttpMethod.Put, $"api/blocks/{Guid.NewGuid()}", alice.Token), 404);
        await app.ExpectAsync(await app.SendAsync(HttpMethod.Put, "api/blocks/not-a-uuid", alice.Token), 400);
        await app.ExpectAsync(await app.SendAsync(HttpMethod.Delete, "api/blocks/not-a-uuid", alice.Token), 400);
        await app.ExpectAsync(await app.SendAsync(HttpMethod.Put, $"api/blocks/{others[0].Id}"), 401);
        await app.ExpectAsync(await app.SendAsync(HttpMethod.Get, "api/blocks"), 401);
        await app.ExpectAsync(await app.SendAsync(HttpMethod.Get, "api/blocks?limit=0", alice.Token), 400);

        foreach (var other in others)
        {
            await app.ExpectAsync(await app.SendAsync(HttpMethod.Put, $"api/blocks/{other.Id}", alice.Token), 200);
        }

        var first = await app.GetJsonAsync("api/blocks?limit=2", alice.Token);
        var second = await app.GetJsonAsync($"api/blocks?limit=2&cursor={NextCursor(first)}", alice.Token);
        Assert.Equal(others.Reverse().Select(o => o.Id), Items(first).Concat(Items(second)).Select(b => b.GetProperty("user_id").GetGuid()));
        Assert.Null(NextCursor(second));
    }

    [Fact]
    public async Task The_conversation_list_follows_a_removed_message_back_to_the_one_before()
    {
        var (alice, bob) = (app.NewUser(), app.NewUser());
        var first = IdOf(await app.SendMessageAsync(alice, bob.Id, "hello"));
        var rude = IdOf(await app.SendMessageAsync(alice, bob.Id, "something rude"));
        Assert.Equal(2, Assert.Single(Items(await app.GetJsonAsync("api/conversations", bob.Token))).GetProperty("unread_count").GetInt32());

        var report = IdOf(await app.ExpectAsync(await app.PostAsync("api/reports", bob.Token, new { target_type = "message", target_id = rude, reason = "rude" }), 201));
        await app.ExpectAsync(await app.PostAsync($"api/admin/reports/{report}/resolve", app.AdminToken, new { status = "resolved", action = "remove_message" }), 200);

        var row = Assert.Single(Items(await app.GetJsonAsync("api/conversations", bob.Token)));
        Assert.Equal(first, IdOf(row.GetProperty("last_message")));
        Assert.Equal(1, row.GetProperty("unread_count").GetInt32());
        Assert.Equal(first, IdOf(Assert.Single(Items(await app.GetJsonAsync("api/conversations", alice.Token))).GetProperty("last_message")));
    }

    [Fact]
    public async Task The_conversation_list_reads_the_summary_rows_not_every_partners_messages()
    {
        var (alice, bob) = (app.NewUser(), app.NewUser());
        await app.SendMessageAsync(alice, bob.Id, "hello");

        await using var connection = new NpgsqlConnection(Database);
        await connection.OpenAsync();

        // The test database is small, where a sequential scan is cheaper: the question is which index serves the order.
        await connection.ExecuteAsync("set enable_seqscan = off");
        var plan = string.Join('\n', await connection.QueryAsync<string>(
            """
            explain select c.partner_id from messaging.conversations c join messaging.messages m on m.id = c.last_message_id
             where c.user_id = @me order by c.last_at desc, c.last_message_id desc limit 21
            """,
            new { me = alice.Id }));
        Assert.Contains("conversations_user_keyset", plan, StringComparison.Ordinal);
        Assert.Equal(2, await connection.ExecuteScalarAsync<int>(
            "select count(*)::int from messaging.conversations where (user_id, partner_id) in ((@a, @b), (@b, @a))", new { a = alice.Id, b = bob.Id }));
    }
}
