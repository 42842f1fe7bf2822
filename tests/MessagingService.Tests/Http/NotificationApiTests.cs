using System.Text.Json;
using static MessagingService.Tests.Http.MessagingServiceFixture;

namespace MessagingService.Tests.Http;

[Collection(MessagingServiceCollection.Name)]
public sealed class NotificationApiTests(MessagingServiceFixture app)
{
    [Fact]
    public async Task A_new_message_notifies_its_receiver_and_reading_the_message_reads_the_notification()
    {
        var (alice, bob) = (app.NewUser(), app.NewUser());
        var message = IdOf(await app.SendMessageAsync(alice, bob.Id, "Is the chair still there?"));

        var notice = Assert.Single(Items(await app.GetJsonAsync("api/notifications?unread=true", bob.Token)));
        Assert.Equal("message.sent", notice.GetProperty("type").GetString());
        Assert.Equal(message, notice.GetProperty("data").GetProperty("message_id").GetGuid());
        Assert.Equal(alice.Id, notice.GetProperty("data").GetProperty("sender_id").GetGuid());
        Assert.Empty(Items(await app.GetJsonAsync("api/notifications", alice.Token)));

        await app.ExpectAsync(await app.PostAsync($"api/messages/{message}/read", bob.Token), 200);

        Assert.Empty(Items(await app.GetJsonAsync("api/notifications?unread=true", bob.Token)));
        Assert.Equal([IdOf(notice)], Ids(await app.GetJsonAsync("api/notifications?unread=false", bob.Token)));
    }

    [Fact]
    public async Task Notifications_are_listed_newest_first_in_pages_and_only_their_owner_marks_them_read()
    {
        var bob = app.NewUser();
        for (var i = 0; i < 3; i++)
        {
            await app.SendMessageAsync(app.NewUser(), bob.Id, $"hello {i}");
        }

        var first = await app.GetJsonAsync("api/notifications?limit=2", bob.Token);
        var second = await app.GetJsonAsync($"api/notifications?limit=2&cursor={NextCursor(first)}", bob.Token);
        var all = Items(first).Concat(Items(second)).ToList();
        Assert.Equal(["hello 2", "hello 1", "hello 0"], all.Select(n => n.GetProperty("body").GetString()));
        Assert.Null(NextCursor(second));

        var target = IdOf(all[1]);
        await app.ExpectAsync(await app.PostAsync($"api/notifications/{target}/read", app.NewUser().Token), 404);
        var read = await app.ExpectAsync(await app.PostAsync($"api/notifications/{target}/read", bob.Token), 200);
        var again = await app.ExpectAsync(await app.PostAsync($"api/notifications/{target}/read", bob.Token), 200);

        Assert.Equal(read.GetProperty("read_at").GetDateTime(), again.GetProperty("read_at").GetDateTime());
        Assert.Equal([IdOf(all[0]), IdOf(all[2])], Ids(await app.GetJsonAsync("api/notifications?unread=true", bob.Token)));
        await app.ExpectAsync(await app.SendAsync(HttpMethod.Get, "api/notifications?unread=maybe", bob.Token), 400);
        await app.ExpectAsync(await app.SendAsync(HttpMethod.Get, "api/notifications"), 401);
    }

    [Fact]
    public async Task Health_reports_database_and_broker()
    {
        var health = await app.ExpectAsync(await app.SendAsync(HttpMethod.Get, "api/health"), 200);

        Assert.Equal("messaging-service", health.GetProperty("service").GetString());
        Assert.Equal(JsonValueKind.Object, health.GetProperty("checks").GetProperty("broker").ValueKind);
    }
}
