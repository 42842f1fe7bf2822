using MessagingService.Files;
using MessagingService.Messages;
using MessagingService.Notifications;
using MessagingService.OpenApi;
using MessagingService.Reports;
using Moq;
using Platform.Blobs;
using Platform.Data;
using Platform.Hosting.Http;
using static MessagingService.Tests.Unit.Harness;

namespace MessagingService.Tests.Unit;

/// <summary>
/// The message functions answer auth and input problems before any database work, and list only the
/// caller's own conversation. The database is unreachable: a test that touches it fails.
/// </summary>
public sealed class MessageFunctionsTests
{
    private readonly Mock<IMessageStore> _messages = new(MockBehavior.Strict);
    private readonly Mock<INotificationStore> _notifications = new(MockBehavior.Strict);
    private readonly Mock<IMessageAttachmentStore> _attachments = new(MockBehavior.Strict);

    [Fact]
    public async Task Send_returns_401_when_signed_out()
    {
        var (status, _) = await Functions(SignedOut()).SendMessage(Post("{}"), CancellationToken.None).RunAsync();

        Assert.Equal(401, status);
    }

    [Fact]
    public async Task Send_returns_400_for_a_message_to_oneself_before_touching_the_database()
    {
        var json = $$"""{ "receiver_id": "{{SenderId}}", "content": "note to self" }""";

        var (status, problem) = await Functions(Auth(Sender)).SendMessage(Post(json), CancellationToken.None).RunAsync();

        Assert.Equal(400, status);
        Assert.Equal(["receiver_id"], problem.ErrorFields());
    }

    [Theory]
    [InlineData("""["../../etc/passwd"]""")]
    [InlineData("""["7c9e6679-7425-40de-944b-e07fc1f90ae7/16fd2706-8baf-433b-82eb-8c7fada847da"]""")]
    [InlineData("""["16fd2706-8baf-433b-82eb-8c7fada847da", "16fd2706-8baf-433b-82eb-8c7fada847da"]""")]
    [InlineData("""["16fd2706-8baf-433b-82eb-8c7fada847da", "26fd2706-8baf-433b-82eb-8c7fada847da", "36fd2706-8baf-433b-82eb-8c7fada847da", "46fd2706-8baf-433b-82eb-8c7fada847da"]""")]
    [InlineData("\"16fd2706-8baf-433b-82eb-8c7fada847da\"")]
    [InlineData("[null]")]
    public async Task Send_is_400_for_odd_attachment_ids_before_touching_the_database_or_storage(string ids)
    {
        var json = $$"""{ "receiver_id": "{{ReceiverId}}", "content": "a picture", "attachment_ids": {{ids}} }""";

        var (status, problem) = await Functions(Auth(Sender)).SendMessage(Post(json), CancellationToken.None).RunAsync();

        Assert.Equal(400, status);
        Assert.StartsWith("attachment_ids", Assert.Single(problem.ErrorFields()), StringComparison.Ordinal);
        _messages.VerifyNoOtherCalls();
    }

    [Theory]
    [InlineData("""{"kind":"donation_image"}""")]
    [InlineData("""{"kind":"campaign_image"}""")]
    [InlineData("""{"kind":"../message_attachment"}""")]
    [InlineData("""{"kind":"Message_Attachment"}""")]
    [InlineData("{}")]
    public async Task CreateUpload_is_400_for_a_kind_it_does_not_own_before_touching_the_database(string body)
    {
        var uploads = new UploadFunctions(new HttpCalls(Auth(Sender).Object, MessagingApi.Description), UnreachableDatabase(), Unconfigured(), new BlockedUsers());

        var (status, problem) = await uploads.CreateUpload(Post(body), CancellationToken.None).RunAsync();

        Assert.Equal(400, status);
        Assert.Equal(["kind"], problem.ErrorFields());
    }

    [Fact]
    public async Task CreateUpload_is_401_when_signed_out()
    {
        var uploads = new UploadFunctions(new HttpCalls(SignedOut().Object, MessagingApi.Description), UnreachableDatabase(), Unconfigured(), new BlockedUsers());

        var (status, _) = await uploads.CreateUpload(Post("""{"kind":"message_attachment"}"""), CancellationToken.None).RunAsync();

        Assert.Equal(401, status);
    }

    [Theory]
    [InlineData("""{ "receiver_id": 5, "content": "x" }""", 400)]
    [InlineData("[1, 2]", 400)]
    [InlineData("not json", 400)]
    public async Task Send_returns_400_for_malformed_bodies(string json, int expected)
    {
        var (status, _) = await Functions(Auth(Sender)).SendMessage(Post(json), CancellationToken.None).RunAsync();

        Assert.Equal(expected, status);
    }

    [Fact]
    public async Task Send_returns_415_for_a_body_that_is_not_json()
    {
        var (status, _) = await Functions(Auth(Sender)).SendMessage(Post("receiver_id=x", "application/x-www-form-urlencoded"), CancellationToken.None).RunAsync();

        Assert.Equal(415, status);
    }

    [Fact]
    public async Task List_asks_only_for_the_callers_conversation_and_pages_oldest_first()
    {
        var rows = Enumerable.Range(0, 3).Select(i => Message(id: Guid.CreateVersion7(), at: Noon.AddMinutes(i))).ToList();
        _messages.Setup(m => m.ListConversationAsync(SenderId, new ConversationFilter(ReceiverId, null, CampaignId), new PageRequest(2, null), It.IsAny<CancellationToken>()))
            .ReturnsAsync(rows);

        var (status, page) = await Functions(Auth(Sender)).ListMessages(Get($"?with={ReceiverId}&campaign_id={CampaignId}&limit=2"), CancellationToken.None).RunAsync();

        Assert.Equal(200, status);
        Assert.Equal(rows.Take(2).Select(r => r.Id), page.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("id").GetGuid()));
        Assert.True(Cursor.TryDecode(page.GetProperty("next_cursor").GetString(), out var cursor));
        Assert.Equal(new Cursor(rows[1].CreatedAt, rows[1].Id), cursor);
    }

    [Theory]
    [InlineData("")]
    [InlineData("?with=7c9e6679-7425-40de-944b-e07fc1f90ae7")]
    [InlineData("?with=6f1e2d3c-4b5a-4968-8776-a5b4c3d2e1f0&limit=0")]
    [InlineData("?with=6f1e2d3c-4b5a-4968-8776-a5b4c3d2e1f0&cursor=bogus")]
    public async Task List_returns_400_for_a_bad_query(string query)
    {
        var (status, _) = await Functions(Auth(Sender)).ListMessages(Get(query), CancellationToken.None).RunAsync();

        Assert.Equal(400, status);
    }

    [Fact]
    public async Task Mark_read_returns_400_for_an_id_that_is_not_a_uuid_and_401_when_signed_out()
    {
        Assert.Equal(400, (await Functions(Auth(Receiver)).MarkMessageRead(Post(), "42", CancellationToken.None).RunAsync()).Status);
        Assert.Equal(401, (await Functions(SignedOut()).MarkMessageRead(Post(), MessageId.ToString(), CancellationToken.None).RunAsync()).Status);
    }

    [Fact]
    public async Task Conversations_list_one_row_per_partner_with_last_message_and_unread_count()
    {
        var row = new ConversationRow
        {
            PartnerId = ReceiverId, UnreadCount = 3, Id = MessageId, SenderId = ReceiverId, ReceiverId = SenderId, Content = "Yes!", CreatedAt = Noon,
        };
        _messages.Setup(m => m.ListConversationsAsync(SenderId, new PageRequest(20, null), It.IsAny<CancellationToken>())).ReturnsAsync([row]);

        var (status, page) = await new ConversationFunctions(new HttpCalls(Auth(Sender).Object, MessagingApi.Description), _messages.Object, Views()).ListConversations(Get(), CancellationToken.None).RunAsync();

        var item = Assert.Single(page.GetProperty("items").EnumerateArray());
        Assert.Equal(200, status);
        Assert.Equal(ReceiverId, item.GetProperty("partner_id").GetGuid());
        Assert.Equal(3, item.GetProperty("unread_count").GetInt32());
        Assert.Equal("Yes!", item.GetProperty("last_message").GetProperty("content").GetString());
        Assert.Equal(System.Text.Json.JsonValueKind.Null, page.GetProperty("next_cursor").ValueKind);
    }

    private MessageFunctions Functions(Mock<Platform.Hosting.Auth.IAuthenticator> auth)
    {
        var database = UnreachableDatabase();
        return new MessageFunctions(
            new HttpCalls(auth.Object, MessagingApi.Description), database, new IdempotentWrites(database), _messages.Object, _notifications.Object, new BlockedUsers(),
            Unconfigured(), _attachments.Object, Mock.Of<IReportStore>(MockBehavior.Strict), Views(), new UserBlocks(database));
    }

    /// <summary>Storage is not configured: a test that needs it fails loudly.</summary>
    private static BlobStorage Unconfigured() => new(new BlobStorageOptions(), [MessagingFiles.MessageAttachment], TimeProvider.System);

    /// <summary>Views of messages without attachments (storage is never asked).</summary>
    private MessageViews Views()
    {
        _attachments.Setup(a => a.ForParentsAsync(It.IsAny<IReadOnlyCollection<Guid>>(), It.IsAny<CancellationToken>())).ReturnsAsync([]);
        return new MessageViews(_attachments.Object, Unconfigured());
    }
}
