using System.Net;
using System.Text.Json;
using Dapper;
using MessagingService.Files;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using Platform.Blobs;
using Platform.Contracts.Events;
using Platform.Data;
using Platform.Testing;
using static MessagingService.Tests.Http.MessagingServiceFixture;

namespace MessagingService.Tests.Http;

/// <summary>
/// Issue 16 for message attachments, end to end against Azurite: messaging-service's own upload slot,
/// the picture PUT straight to storage as a browser does, sent with a message, read back through the
/// read URLs only the two parties get; bad input a clear 4xx with nothing sent; the sweeper; removal
/// through a report and message.removed, twice.
/// </summary>
[Collection(MessagingServiceCollection.Name)]
public sealed class MessageAttachmentApiTests(MessagingServiceFixture app)
{
    private static readonly BlobKind Kind = MessagingFiles.MessageAttachment;

    [Fact]
    public async Task A_sender_sends_pictures_with_a_message_and_only_the_two_parties_read_them()
    {
        var (alice, bob, carol) = (app.NewUser(), app.NewUser(), app.NewUser());
        var slot = await app.ExpectAsync(await app.PostAsync("api/uploads", alice.Token, new { kind = "message_attachment" }), 201);
        Assert.Equal("message_attachment", slot.GetProperty("kind").GetString());
        Assert.Equal(5 * 1024 * 1024, slot.GetProperty("max_bytes").GetInt64());
        Assert.Equal(["image/jpeg", "image/png", "image/webp"], slot.GetProperty("allowed_types").EnumerateArray().Select(t => t.GetString()));
        var a = await Uploads.PutAsync(slot, Uploads.Png(), "text/html");
        var b = await UploadAsync(alice, Uploads.Jpeg());
        var c = await UploadAsync(alice, Uploads.WebP());

        var sent = await app.ExpectAsync(await Send(alice, bob.Id, a, b, c), 201);
        Assert.Equal([a, b, c], AttachmentIds(sent));
        Assert.Equal(["image/png", "image/jpeg", "image/webp"], sent.GetProperty("attachments").EnumerateArray().Select(f => f.GetProperty("content_type").GetString()));
        var id = IdOf(sent);

        // The receiver reads them through the URLs of the conversation, the message and the conversation list.
        var received = Items(await app.GetJsonAsync($"api/messages?with={alice.Id}", bob.Token)).Single(m => IdOf(m) == id);
        var url = received.GetProperty("attachments")[0].GetProperty("url").GetString()!;
        var (status, body, type) = await Uploads.ReadAsync(url);
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("image/png", type); // what the first bytes say, not what the upload declared
        Assert.Equal(Uploads.Png(), body);
        Assert.Equal([a, b, c], AttachmentIds(await app.GetJsonAsync($"api/messages/{id}", alice.Token)));
        Assert.Equal([a, b, c], AttachmentIds(await app.GetJsonAsync($"api/messages/{id}", bob.Token)));
        var conversation = Items(await app.GetJsonAsync("api/conversations", bob.Token)).Single(r => r.GetProperty("partner_id").GetGuid() == alice.Id);
        Assert.Equal([a, b, c], AttachmentIds(conversation.GetProperty("last_message")));

        // Private: no plain URL, nobody else, and an admin only once the message is reported.
        Assert.NotEqual(HttpStatusCode.OK, (await Uploads.ReadAsync(url.Split('?')[0])).Status);
        await app.ExpectAsync(await app.SendAsync(HttpMethod.Get, $"api/messages/{id}", carol.Token), 404);
        await app.ExpectAsync(await app.SendAsync(HttpMethod.Get, $"api/messages/{id}", app.AdminToken), 404);
        Assert.Empty(Items(await app.GetJsonAsync($"api/messages?with={alice.Id}", carol.Token)));
        await app.ExpectAsync(await app.PostAsync("api/reports", bob.Token, new { target_type = "message", target_id = id, reason = "unwanted pictures" }), 201);
        Assert.Equal([a, b, c], AttachmentIds(await app.GetJsonAsync($"api/messages/{id}", app.AdminToken)));
        await app.ExpectAsync(await app.SendAsync(HttpMethod.Get, $"api/messages/{id}", carol.Token), 404);

        // A message without pictures has none.
        Assert.Equal(0, (await app.SendMessageAsync(bob, alice.Id, "thanks")).GetProperty("attachments").GetArrayLength());
    }

    [Fact]
    public async Task A_read_url_stops_working_when_it_expires()
    {
        var (alice, bob) = (app.NewUser(), app.NewUser());
        var a = await UploadAsync(alice, Uploads.Jpeg());
        await app.ExpectAsync(await Send(alice, bob.Id, a), 201);

        // The same signing as the service's, with a clock an hour behind: the URL expired 50 minutes ago.
        var expired = await new BlobStorage(Options(), [Kind], new ShiftedTime(TimeSpan.FromHours(-1))).ReadUrlAsync(Kind, alice.Id, a, CancellationToken.None);
        Assert.Equal(HttpStatusCode.Forbidden, (await Uploads.ReadAsync(expired)).Status);
        var current = await new BlobStorage(Options(), [Kind], TimeProvider.System).ReadUrlAsync(Kind, alice.Id, a, CancellationToken.None);
        Assert.Equal(HttpStatusCode.OK, (await Uploads.ReadAsync(current)).Status);
    }

    [Fact]
    public async Task Bad_attachments_get_a_clear_4xx_and_nothing_is_sent()
    {
        var (alice, bob, carol) = (app.NewUser(), app.NewUser(), app.NewUser());
        var good = await UploadAsync(alice, Uploads.Png());

        var executable = await UploadAsync(alice, Uploads.Executable(), "image/png");
        await AssertInvalidAsync(await Send(alice, bob.Id, good, executable), "attachment_ids", "item 1");
        Assert.False(await ExistsAsync(alice.Id, executable), "a refused file is deleted");
        Assert.True(await ExistsAsync(alice.Id, good), "a good file stays for a corrected retry");
        await AssertInvalidAsync(await Send(alice, bob.Id, await UploadAsync(alice, Uploads.Png((5 * 1024 * 1024) + 1))), "attachment_ids", "item 0");
        await AssertInvalidAsync(await Send(alice, bob.Id, await UploadAsync(alice, Uploads.Pdf())), "attachment_ids", "item 0"); // no PDF in messages
        await AssertInvalidAsync(await Send(alice, bob.Id, await UploadAsync(alice, [])), "attachment_ids", "item 0"); // empty
        await AssertInvalidAsync(await Send(alice, bob.Id, Guid.NewGuid()), "attachment_ids", "item 0"); // never uploaded
        await AssertInvalidAsync(await Send(alice, bob.Id, await UploadAsync(carol, Uploads.Png())), "attachment_ids", "item 0"); // someone else's
        await AssertInvalidAsync(await Send(alice, bob.Id, good, good), "attachment_ids", "item 1"); // twice
        var four = new[] { good, await UploadAsync(alice, Uploads.Png()), await UploadAsync(alice, Uploads.Png()), await UploadAsync(alice, Uploads.Png()) };
        await AssertInvalidAsync(await Send(alice, bob.Id, four), "attachment_ids", "0 to 3"); // past the maximum
        await AssertInvalidAsync(await app.PostAsync("api/messages", alice.Token, new { receiver_id = bob.Id, content = "hi", attachment_ids = new[] { 42 } }), "attachment_ids[0]", null);
        foreach (var odd in new[] { "../../etc/passwd", $"{alice.Id}/{good}", "%2e%2e", string.Empty })
        {
            await AssertInvalidAsync(await app.PostAsync("api/messages", alice.Token, new { receiver_id = bob.Id, content = "hi", attachment_ids = new[] { odd } }), "attachment_ids", "item 0");
        }

        await AssertInvalidAsync(await app.PostAsync("api/messages", alice.Token, new { receiver_id = bob.Id, content = "hi", attachment_ids = good }), "attachment_ids", null);
        await AssertInvalidAsync(await app.PostAsync("api/uploads", alice.Token, new { kind = "donation_image" }), "kind", null);
        await AssertInvalidAsync(await app.PostAsync("api/uploads", alice.Token, new { kind = "../message_attachment" }), "kind", null);
        await app.ExpectAsync(await app.PostAsync("api/uploads", null!, new { kind = "message_attachment" }), 401);
        Assert.Empty(Items(await app.GetJsonAsync($"api/messages?with={bob.Id}", alice.Token)));
        Assert.Equal(0, await AttachedRowsAsync(alice.Id));

        // A file is sent once: a second message with it is 409, and that message is not sent either.
        await app.ExpectAsync(await Send(alice, bob.Id, good), 201);
        await app.ExpectAsync(await Send(alice, carol.Id, await UploadAsync(alice, Uploads.Jpeg()), good), 409);
        Assert.Empty(Items(await app.GetJsonAsync($"api/messages?with={carol.Id}", alice.Token)));
        Assert.Equal(1, await AttachedRowsAsync(alice.Id));

        // A blocked user gets no slot and sends nothing.
        var mallory = app.NewUser();
        var early = await UploadAsync(mallory, Uploads.Png());
        await app.Broker.PublishAsync(new ProfileBlocked(new ProfileSnapshot(mallory.Id, "donor", "none", true, null, 5), app.AdminId, "spam"));
        // Waited for by its own effect: the sentinel of SettleAsync can be handled by another consumer worker first.
        await app.EventuallyAsync(
            async () => (int)(await app.PostAsync("api/uploads", mallory.Token, new { kind = "message_attachment" })).StatusCode == 403,
            "the block did not reach messaging-service");
        await app.ExpectAsync(await Send(mallory, bob.Id, early), 403);
        Assert.Equal(0, await AttachedRowsAsync(mallory.Id));
    }

    [Fact]
    public async Task A_retry_with_the_same_idempotency_key_sends_once()
    {
        var (alice, bob) = (app.NewUser(), app.NewUser());
        var a = await UploadAsync(alice, Uploads.Png());
        var body = new { receiver_id = bob.Id, content = "a picture", attachment_ids = new[] { a } };
        var key = new Dictionary<string, string> { ["Idempotency-Key"] = Guid.NewGuid().ToString() };

        var first = await app.ExpectAsync(await app.SendAsync(HttpMethod.Post, "api/messages", alice.Token, body, key), 201);
        var again = await app.ExpectAsync(await app.SendAsync(HttpMethod.Post, "api/messages", alice.Token, body, key), 201);

        Assert.Equal(IdOf(first), IdOf(again));
        Assert.Single(Items(await app.GetJsonAsync($"api/messages?with={bob.Id}", alice.Token)));
    }

    [Fact]
    public async Task The_sweeper_deletes_uploads_never_sent_and_keeps_sent_ones_even_without_their_mark()
    {
        var (alice, bob) = (app.NewUser(), app.NewUser());
        var sent = await UploadAsync(alice, Uploads.Png());
        var unsent = await UploadAsync(alice, Uploads.Png());
        await app.ExpectAsync(await Send(alice, bob.Id, sent), 201);
        var storage = new BlobStorage(Options(), [Kind], TimeProvider.System);
        await storage.Blob(Kind, alice.Id, sent).SetMetadataAsync(new Dictionary<string, string>()); // a mark lost after the commit

        DefaultTypeMap.MatchNamesWithUnderscores = true;
        var sweeper = new BlobSweeper(storage, new MessageAttachmentStore(new ServiceDatabase(NpgsqlDataSource.Create(Database), "messaging")), NullLogger<BlobSweeper>.Instance);
        Assert.Equal(0, await sweeper.SweepAsync(DateTimeOffset.UtcNow.AddHours(-24), CancellationToken.None, alice.Id)); // younger than 24 h: kept
        Assert.Equal(1, await sweeper.SweepAsync(DateTimeOffset.UtcNow.AddMinutes(1), CancellationToken.None, alice.Id));

        Assert.False(await ExistsAsync(alice.Id, unsent));
        Assert.True(await ExistsAsync(alice.Id, sent));
    }

    [Fact]
    public async Task A_report_resolved_with_remove_message_deletes_the_message_and_its_pictures_through_message_removed_and_a_second_delivery_is_harmless()
    {
        var (alice, bob) = (app.NewUser(), app.NewUser());
        var (a, b) = (await UploadAsync(alice, Uploads.Png()), await UploadAsync(alice, Uploads.Jpeg()));
        var id = IdOf(await app.ExpectAsync(await Send(alice, bob.Id, a, b), 201));
        var report = IdOf(await app.ExpectAsync(await app.PostAsync("api/reports", bob.Token, new { target_type = "message", target_id = id, reason = "abuse" }), 201));
        var other = IdOf(await app.ExpectAsync(await app.PostAsync("api/reports", app.NewUser().Token, new { target_type = "user", target_id = alice.Id, reason = "spam" }), 201));
        await AssertInvalidAsync(await app.PostAsync($"api/admin/reports/{other}/resolve", app.AdminToken, new { status = "resolved", action = "remove_message" }), "action", null);

        await app.ExpectAsync(await app.PostAsync($"api/admin/reports/{report}/resolve", app.AdminToken, new { status = "resolved", action = "remove_message" }), 200);

        await app.ExpectAsync(await app.SendAsync(HttpMethod.Get, $"api/messages/{id}", bob.Token), 404);
        Assert.DoesNotContain(id, Ids(await app.GetJsonAsync($"api/messages?with={alice.Id}", bob.Token)));
        var removed = Assert.Single(await Outbox.EventsAsync("message.removed", "message_id", id));
        Assert.Equal(app.AdminId, removed.GetProperty("removed_by").GetGuid());
        await app.EventuallyAsync(async () => !await ExistsAsync(alice.Id, a) && !await ExistsAsync(alice.Id, b), "the removed message's pictures are gone from storage");
        await app.EventuallyAsync(async () => await AttachedRowsAsync(alice.Id) == 0, "the removed message's attachment rows are gone");
        await app.SettleAsync(await app.Broker.PublishAsync(new MessageRemoved(id, alice.Id, bob.Id, app.AdminId)));
        Assert.False(await ExistsAsync(alice.Id, a));
    }

    private Task<HttpResponseMessage> Send(TestUser from, Guid to, params Guid[] attachments) =>
        app.PostAsync("api/messages", from.Token, new { receiver_id = to, content = "look at this", attachment_ids = attachments });

    private async Task<Guid> UploadAsync(TestUser user, byte[] bytes, string contentType = "application/octet-stream") =>
        await Uploads.PutAsync(await app.ExpectAsync(await app.PostAsync("api/uploads", user.Token, new { kind = "message_attachment" }), 201), bytes, contentType);

    private static List<Guid> AttachmentIds(JsonElement message) =>
        [.. message.GetProperty("attachments").EnumerateArray().Select(f => f.GetProperty("id").GetGuid())];

    private static BlobStorageOptions Options() => new() { ConnectionString = TestEnvironment.Require("BlobStorageConnection") };

    private static async Task<bool> ExistsAsync(Guid owner, Guid blobId) =>
        (await new BlobStorage(Options(), [Kind], TimeProvider.System).Blob(Kind, owner, blobId).ExistsAsync()).Value;

    private static async Task<int> AttachedRowsAsync(Guid owner)
    {
        await using var connection = new NpgsqlConnection(Database);
        return await connection.ExecuteScalarAsync<int>("select count(*)::int from messaging.message_attachments where owner_id = @owner", new { owner });
    }

    private static async Task AssertInvalidAsync(HttpResponseMessage response, string field, string? saying)
    {
        using (response)
        {
            var text = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"expected 400, got {(int)response.StatusCode}: {text}");
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            Assert.True(JsonDocument.Parse(text).RootElement.GetProperty("errors").TryGetProperty(field, out var messages), $"expected errors.{field} in {text}");
            Assert.True(saying is null || messages.EnumerateArray().Any(m => m.GetString()!.Contains(saying, StringComparison.Ordinal)), $"expected '{saying}' in {text}");
        }
    }

    private sealed class ShiftedTime(TimeSpan shift) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => base.GetUtcNow() + shift;
    }
}
