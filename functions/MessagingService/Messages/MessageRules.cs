using Platform.Hosting.Auth;
using Platform.Hosting.Http;

namespace MessagingService.Messages;

/// <summary>Who may send, read and mark messages.</summary>
public static class MessageRules
{
    /// <summary>The longest message, in characters (after trimming).</summary>
    public const int MaxContent = 4000;

    public static bool IsParty(Message message, Caller caller) =>
        message.SenderId == caller.UserId || message.ReceiverId == caller.UserId;

    /// <summary>
    /// A message is seen by its two parties; by an admin only while someone has reported it (admins
    /// judge reported messages, they do not browse conversations); to everyone else it does not exist.
    /// </summary>
    public static Failure? CanView(Message message, Caller caller, bool reported) =>
        IsParty(message, caller) || (caller.IsAdmin && reported) ? null : Result.NotFound("No such message.");

    /// <summary>Only the receiver marks a message read; to anyone outside the conversation it does not exist.</summary>
    public static Failure? CanMarkRead(Message message, Caller caller) =>
        !IsParty(message, caller) ? Result.NotFound("No such message.")
        : message.ReceiverId != caller.UserId ? Result.Forbidden("Only the receiver can mark a message read.")
        : null;

    /// <summary>
    /// A message goes only to a user messaging knows (its profile copy has a row for every profile) who
    /// does not block the sender, and not to a user the sender blocks. A blocked sender learns that the
    /// receiver does not accept their messages (not the word "blocked"): hiding it behind a 404 would
    /// not hide anything, since the receiver's public profile and donations stay visible, and a silent
    /// drop would be a lost write (docs/DESIGN-NOTES.md, "Blocks").
    /// </summary>
    public static Failure? CanWriteTo(Between between) =>
        !between.ReceiverKnown ? Result.NotFound("No such user: receiver_id is not a user of the platform.")
        : between.ReceiverBlocksSender ? Result.Forbidden("This user does not accept messages from you.")
        : between.SenderBlocksReceiver ? Result.Conflict("You have blocked this user: unblock them (DELETE /api/blocks/{user_id}) to write to them.")
        : null;
}
