using MessagingService.Notifications;
using MessagingService.OpenApi;
using Moq;
using Platform.Hosting.Http;
using static MessagingService.Tests.Unit.Harness;

namespace MessagingService.Tests.Unit;

public sealed class NotificationFunctionsTests
{
    private readonly Mock<INotificationStore> _store = new(MockBehavior.Strict);

    [Theory]
    [InlineData("", null)]
    [InlineData("?unread=true", true)]
    [InlineData("?unread=false", false)]
    public async Task List_asks_for_the_callers_own_notifications_with_the_unread_filter(string query, bool? unread)
    {
        _store.Setup(s => s.ListAsync(ReceiverId, unread, new PageRequest(20, null), It.IsAny<CancellationToken>())).ReturnsAsync([Row()]);

        var (status, page) = await Functions(Receiver).ListNotifications(Get(query), CancellationToken.None).RunAsync();

        var item = Assert.Single(page.GetProperty("items").EnumerateArray());
        Assert.Equal(200, status);
        Assert.Equal("donation.reviewed", item.GetProperty("type").GetString());
        Assert.Equal(DonationId, item.GetProperty("data").GetProperty("donation_id").GetGuid());
    }

    [Theory]
    [InlineData("?unread=yes")]
    [InlineData("?limit=101")]
    public async Task List_returns_400_for_a_bad_filter(string query)
    {
        var (status, _) = await Functions(Receiver).ListNotifications(Get(query), CancellationToken.None).RunAsync();

        Assert.Equal(400, status);
    }

    [Fact]
    public async Task Mark_read_returns_404_when_the_notification_is_not_the_callers()
    {
        var id = Guid.CreateVersion7();
        _store.Setup(s => s.MarkReadAsync(OtherId, id, It.IsAny<CancellationToken>())).ReturnsAsync((NotificationRow?)null);

        var (status, _) = await Functions(Other).MarkNotificationRead(Post(), id.ToString(), CancellationToken.None).RunAsync();

        Assert.Equal(404, status);
    }

    [Fact]
    public async Task Mark_read_returns_the_notification_read()
    {
        var row = Row(readAt: Noon);
        _store.Setup(s => s.MarkReadAsync(ReceiverId, row.Id, It.IsAny<CancellationToken>())).ReturnsAsync(row);

        var (status, body) = await Functions(Receiver).MarkNotificationRead(Post(), row.Id.ToString(), CancellationToken.None).RunAsync();

        Assert.Equal(200, status);
        Assert.Equal(Noon, body.GetProperty("read_at").GetDateTime());
    }

    [Fact]
    public async Task Mark_read_returns_400_for_a_bad_id()
    {
        var (status, problem) = await Functions(Receiver).MarkNotificationRead(Post(), "nope", CancellationToken.None).RunAsync();

        Assert.Equal(400, status);
        Assert.Equal(["id"], problem.ErrorFields());
    }

    private NotificationFunctions Functions(Platform.Hosting.Auth.Caller caller) => new(new HttpCalls(Auth(caller).Object, MessagingApi.Description), _store.Object);

    private static NotificationRow Row(DateTime? readAt = null) => new()
    {
        Id = Guid.CreateVersion7(),
        UserId = ReceiverId,
        Type = "donation.reviewed",
        Title = "Your donation was approved",
        Body = "It is listed.",
        Data = $$"""{"donation_id":"{{DonationId}}"}""",
        ReadAt = readAt,
        CreatedAt = Noon,
    };
}
