using System.Text.Json;
using static MessagingService.Tests.Http.MessagingServiceFixture;

namespace MessagingService.Tests.Http;

[Collection(MessagingServiceCollection.Name)]
public sealed class ConversationApiTests(MessagingServiceFixture app)
{
    [Fact]
    public async Task A_conversation_is_visible_only_to_its_two_parties()
    {
        var (alice, bob, carol) = (app.NewUser(), app.NewUser(), app.NewUser());
        var first = IdOf(await app.SendMessageAsync(alice, bob.Id, "Hi Bob"));
        var second = IdOf(await app.SendMessageAsync(bob, alice.Id, "Hi Alice"));

        Assert.Equal([first, second], Ids(await app.GetJsonAsync($"api/messages?with={bob.Id}", alice.Token)));
        Assert.Equal([first, second], Ids(await app.GetJsonAsync($"api/messages?with={alice.Id}", bob.Token)));
        Assert.Empty(Ids(await app.GetJsonAsync($"api/messages?with={alice.Id}", carol.Token)));
        Assert.Empty(Ids(await app.GetJsonAsync($"api/messages?with={bob.Id}", carol.Token)));
        Assert.Empty(Items(await app.GetJsonAsync("api/conversations", carol.Token)));
        await app.ExpectAsync(await app.PostAsync($"api/messages/{first}/read", carol.Token), 404);
        await app.ExpectAsync(await app.PostAsync($"api/messages/{first}/read", app.AdminToken), 404);
        await app.ExpectAsync(await app.PostAsync("api/reports", carol.Token, new { target_type = "message", target_id = first, reason = "spam" }), 404);
    }

    [Fact]
    public async Task Sending_refuses_oneself_bad_input_and_anonymous_callers()
    {
        var alice = app.NewUser();

        await app.ExpectAsync(await app.PostAsync("api/messages", alice.Token, new { receiver_id = alice.Id, content = "me" }), 400);
        await app.ExpectAsync(await app.PostAsync("api/messages", alice.Token, new { receiver_id = Guid.NewGuid(), content = new string('x', 4001) }), 400);
        await app.ExpectAsync(await app.PostAsync("api/messages", alice.Token, """{ "receiver_id": "x", "content": 1 }"""), 400);
        await app.ExpectAsync(await app.SendAsync(HttpMethod.Post, "api/messages", null, new { receiver_id = Guid.NewGuid(), content = "hi" }), 401);
        await app.ExpectAsync(await app.SendAsync(HttpMethod.Get, $"api/messages?with={Guid.NewGuid()}"), 401);
    }

    [Fact]
    public async Task A_conversation_pages_oldest_first_with_a_keyset_cursor()
    {
        var (alice, bob) = (app.NewUser(), app.NewUser());
        var sent = new List<Guid>();
        for (var i = 0; i < 5; i++)
        {
            sent.Add(IdOf(await app.SendMessageAsync(i % 2 == 0 ? alice : bob, i % 2 == 0 ? bob.Id : alice.Id, $"message {i}")));
        }

        var seen = new List<Guid>();
        var path = $"api/messages?with={bob.Id}&limit=2";
        for (var pages = 1; ; pages++)
        {
            var page = await app.GetJsonAsync(path, alice.Token);
            seen.AddRange(Ids(page));
            if (NextCursor(page) is not { } cursor)
            {
                Assert.Equal(3, pages);
                break;
            }

            path = $"api/messages?with={bob.Id}&limit=2&cursor={cursor}";
        }

        Assert.Equal(sent, seen);
    }

    [Fact]
    public async Task A_donation_narrows_the_conversation_to_messages_about_it()
    {
        var (alice, bob, donation) = (app.NewUser(), app.NewUser(), Guid.NewGuid());
        await app.SendMessageAsync(alice, bob.Id, "general");
        var about = IdOf(await app.SendMessageAsync(bob, alice.Id, "about the chair", donation));

        Assert.Equal([about], Ids(await app.GetJsonAsync($"api/messages?with={bob.Id}&donation_id={donation}", alice.Token)));
    }

    [Fact]
    public async Task Conversations_show_each_partner_once_with_the_last_message_and_what_they_left_unread()
    {
        var (alice, bob, carol) = (app.NewUser(), app.NewUser(), app.NewUser());
        var fromBob = new List<Guid>();
        for (var i = 0; i < 3; i++)
        {
            fromBob.Add(IdOf(await app.SendMessageAsync(bob, alice.Id, $"bob {i}")));
        }

        await app.SendMessageAsync(carol, alice.Id, "carol 1");
        var last = IdOf(await app.SendMessageAsync(alice, bob.Id, "alice replies"));

        var rows = Items(await app.GetJsonAsync("api/conversations", alice.Token));
        Assert.Equal([bob.Id, carol.Id], rows.Select(r => r.GetProperty("partner_id").GetGuid()));
        Assert.Equal(last, IdOf(rows[0].GetProperty("last_message")));
        Assert.Equal([3, 1], rows.Select(r => r.GetProperty("unread_count").GetInt32()));
        Assert.Equal(1, Items(await app.GetJsonAsync("api/conversations", bob.Token)).Single().GetProperty("unread_count").GetInt32());

        var read = await app.ExpectAsync(await app.PostAsync($"api/messages/{fromBob[0]}/read", alice.Token), 200);
        Assert.Equal(JsonValueKind.String, read.GetProperty("read_at").ValueKind);
        Assert.Equal(2, Items(await app.GetJsonAsync("api/conversations", alice.Token))[0].GetProperty("unread_count").GetInt32());
    }

    [Fact]
    public async Task Only_the_receiver_marks_read_once_and_message_read_is_published_once()
    {
        var (alice, bob) = (app.NewUser(), app.NewUser());
        var id = IdOf(await app.SendMessageAsync(alice, bob.Id, "read me"));

        await app.ExpectAsync(await app.PostAsync($"api/messages/{id}/read", alice.Token), 403);
        var first = await app.ExpectAsync(await app.PostAsync($"api/messages/{id}/read", bob.Token), 200);
        var again = await app.ExpectAsync(await app.PostAsync($"api/messages/{id}/read", bob.Token), 200);
        await app.ExpectAsync(await app.PostAsync($"api/messages/{Guid.NewGuid()}/read", bob.Token), 404);

        Assert.Equal(first.GetProperty("read_at").GetDateTime(), again.GetProperty("read_at").GetDateTime());
        var read = Assert.Single(await Outbox.EventsAsync("message.read", "message_id", id));
        Assert.Equal(alice.Id, read.GetProperty("sender_id").GetGuid());
        Assert.Equal(bob.Id, read.GetProperty("receiver_id").GetGuid());
    }

    [Fact]
    public async Task Conversations_page_most_recent_first()
    {
        var alice = app.NewUser();
        var partners = new List<Guid>();
        for (var i = 0; i < 3; i++)
        {
            var partner = app.NewUser();
            partners.Insert(0, partner.Id);
            await app.SendMessageAsync(partner, alice.Id, $"hello {i}");
        }

        var first = await app.GetJsonAsync("api/conversations?limit=2", alice.Token);
        var second = await app.GetJsonAsync($"api/conversations?limit=2&cursor={NextCursor(first)}", alice.Token);

        Assert.Equal(partners, Items(first).Concat(Items(second)).Select(r => r.GetProperty("partner_id").GetGuid()));
        Assert.Null(NextCursor(second));
    }

    [Fact]
    public async Task Sending_publishes_message_sent_and_a_retry_with_the_same_idempotency_key_sends_nothing_more()
    {
        var (alice, bob) = (app.NewUser(), app.NewUser());
        var headers = new Dictionary<string, string> { ["Idempotency-Key"] = Guid.NewGuid().ToString() };
        var body = new { receiver_id = bob.Id, content = "only once", campaign_id = Guid.NewGuid() };

        var first = await app.ExpectAsync(await app.SendAsync(HttpMethod.Post, "api/messages", alice.Token, body, headers), 201);
        var retry = await app.SendAsync(HttpMethod.Post, "api/messages", alice.Token, body, headers);
        Assert.Equal("true", retry.Headers.GetValues("Idempotent-Replayed").Single());
        var replayed = await app.ExpectAsync(retry, 201);

        Assert.Equal(IdOf(first), IdOf(replayed));
        Assert.Single(Ids(await app.GetJsonAsync($"api/messages?with={bob.Id}", alice.Token)));
        var sent = Assert.Single(await Outbox.EventsAsync("message.sent", "message_id", IdOf(first)));
        Assert.Equal(body.campaign_id, sent.GetProperty("campaign_id").GetGuid());
    }
}
