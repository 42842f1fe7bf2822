using MessagingService.Messages;
using Microsoft.AspNetCore.Http;
using Platform.Hosting.Auth;
using Platform.Hosting.Http;
using Platform.Testing;
using static MessagingService.Tests.Unit.Harness;

namespace MessagingService.Tests.Unit;

public sealed class MessageRulesTests
{
    [Fact]
    public void Send_accepts_a_message_to_another_user_and_trims_the_content()
    {
        var result = ValidateSend(new SendMessageBody(ReceiverId.ToString(), "  Hello!\n", DonationId.ToString(), null, null), Sender);

        Assert.True(result.IsSuccess);
        Assert.Equal(new MessageDraft(ReceiverId, "Hello!", DonationId, null, 0), result.Value);
    }

    [Fact]
    public void Send_returns_invalid_receiver_id_when_the_caller_messages_themselves()
    {
        var result = ValidateSend(new SendMessageBody(SenderId.ToString(), "Hi me", null, null, null), Sender);

        Assert.Equal(ResultKind.Invalid, result.Kind);
        Assert.Equal(["receiver_id"], result.ErrorFields());
    }

    [Theory]
    [InlineData(null, "receiver_id")]
    [InlineData("not-a-uuid", "receiver_id")]
    [InlineData("00000000-0000-0000-0000-000000000000", "receiver_id")]
    public void Send_returns_invalid_receiver_id_when_it_is_missing_or_not_a_uuid(string? receiver, string field)
    {
        var result = ValidateSend(new SendMessageBody(receiver, "Hi", null, null, null), Sender);

        Assert.Equal([field], result.ErrorFields());
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   \n ")]
    public void Send_returns_invalid_content_when_it_is_missing_or_blank(string? content)
    {
        var result = ValidateSend(new SendMessageBody(ReceiverId.ToString(), content, null, null, null), Sender);

        Assert.Equal(["content"], result.ErrorFields());
    }

    [Fact]
    public void Send_accepts_4000_characters_and_refuses_4001()
    {
        Assert.True(ValidateSend(new SendMessageBody(ReceiverId.ToString(), new string('a', 4000), null, null, null), Sender).IsSuccess);
        Assert.Equal(["content"], ValidateSend(new SendMessageBody(ReceiverId.ToString(), new string('a', 4001), null, null, null), Sender).ErrorFields());
    }

    [Fact]
    public void Send_returns_invalid_campaign_id_when_a_message_is_about_a_donation_and_a_campaign()
    {
        var result = ValidateSend(new SendMessageBody(ReceiverId.ToString(), "Hi", DonationId.ToString(), CampaignId.ToString(), null), Sender);

        Assert.Equal(["campaign_id"], result.ErrorFields());
    }

    [Fact]
    public void Send_reports_every_bad_field_at_once()
    {
        var result = ValidateSend(new SendMessageBody("x", "", "y", "z", null), Sender);

        Assert.Equal(["campaign_id", "content", "donation_id", "receiver_id"], result.ErrorFields());
    }

    [Fact]
    public void Mark_read_is_allowed_for_the_receiver()
    {
        Assert.Null(MessageRules.CanMarkRead(Message(), Receiver));
        Assert.Null(MessageRules.CanMarkRead(Message(readAt: Noon), Receiver));
    }

    [Fact]
    public void Mark_read_returns_403_to_the_sender()
    {
        Assert.Equal(ResultKind.Forbidden, MessageRules.CanMarkRead(Message(), Sender)?.Kind);
    }

    [Fact]
    public void Mark_read_returns_404_to_anyone_outside_the_conversation_even_an_admin()
    {
        Assert.Equal(ResultKind.NotFound, MessageRules.CanMarkRead(Message(), Other)?.Kind);
        Assert.Equal(ResultKind.NotFound, MessageRules.CanMarkRead(Message(), Admin)?.Kind);
    }

    [Fact]
    public void Conversation_query_reads_the_partner_and_the_optional_donation_or_campaign()
    {
        var (filter, validation) = ReadQuery($"?with={ReceiverId}&donation_id={DonationId}");

        Assert.True(validation.IsValid);
        Assert.Equal(new ConversationFilter(ReceiverId, DonationId, null), filter);
    }

    [Theory]
    [InlineData("")]
    [InlineData("?donation_id=0197a2c4-2222-7000-8000-000000000002")]
    [InlineData("?with=nope")]
    [InlineData("?with=7c9e6679-7425-40de-944b-e07fc1f90ae7")]
    [InlineData("?with=6f1e2d3c-4b5a-4968-8776-a5b4c3d2e1f0&with=16fd2706-8baf-433b-82eb-8c7fada847da")]
    public void Conversation_query_returns_invalid_with_when_it_is_missing_malformed_repeated_or_the_caller(string query)
    {
        var (_, validation) = ReadQuery(query);

        Assert.Equal(["with"], validation.Errors.Keys.ToArray());
    }

    private static Result<MessageDraft> ValidateSend(SendMessageBody body, Caller caller) => BodyRules.Check(body, b => b.ToDraft(), caller);

    private static (ConversationFilter? Filter, Validation Validation) ReadQuery(string query)
    {
        var validation = new Validation();
        var request = Get(query);
        return (Fields.Bind<ConversationFilter>(request, validation, Sender), validation);
    }
}
