using Platform.Hosting.Auth;
using Platform.Hosting.Http;

namespace MessagingService.Messages;

/// <summary>Who may send, read and mark messages.</summary>
public static class MessageRules
{
    public const int MaxContent = 4000;

    /// <summary>A message goes to another user, about one donation or one campaign at most.</summary>
    public static Result<MessageDraft> ValidateSend(SendMessageBody body, Caller caller)
    {
        var v = new Validation();
        var receiverId = v.Uuid("receiver_id", body.ReceiverId, required: true);
        var content = v.Text("content", body.Content, 1, MaxContent, required: true);
        var donationId = v.Uuid("donation_id", body.DonationId, required: false);
        var campaignId = v.Uuid("campaign_id", body.CampaignId, required: false);
        if (receiverId == caller.UserId)
        {
            v.Add("receiver_id", "must be another user: you cannot message yourself");
        }

        if (donationId is not null && campaignId is not null)
        {
            v.Add("campaign_id", "a message is about a donation or a campaign, not both");
        }

        return v.IsValid
            ? new MessageDraft(receiverId!.Value, content!, donationId, campaignId)
            : new Failure(ResultKind.Invalid, "One or more fields are invalid.", v.Errors);
    }

    /// <summary>The conversation query: <c>with</c> another user (required), optionally a donation or a campaign.</summary>
    public static ConversationFilter? ReadConversationQuery(QueryReader query, Validation validation, Caller caller)
    {
        var with = query.Uuid("with");
        var donationId = query.Uuid("donation_id");
        var campaignId = query.Uuid("campaign_id");
        if (with is null && !validation.Errors.ContainsKey("with"))
        {
            validation.Add("with", "is required: the id of the other user of the conversation");
        }
        else if (with == caller.UserId)
        {
            validation.Add("with", "must be another user");
        }

        return with is null ? null : new ConversationFilter(with.Value, donationId, campaignId);
    }

    public static bool IsParty(Message message, Caller caller) =>
        message.SenderId == caller.UserId || message.ReceiverId == caller.UserId;

    /// <summary>Only the receiver marks a message read; to anyone outside the conversation it does not exist.</summary>
    public static Failure? CanMarkRead(Message message, Caller caller) =>
        !IsParty(message, caller) ? Result.NotFound("No such message.")
        : message.ReceiverId != caller.UserId ? Result.Forbidden("Only the receiver can mark a message read.")
        : null;
}
