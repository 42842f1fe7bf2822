using MessagingService.Messages;
using Platform.Contracts.Events;
using Platform.Hosting.Auth;
using Platform.Hosting.Http;

namespace MessagingService.Reports;

/// <summary>What may be reported, whom a report is about, and how admins resolve it.</summary>
public static class ReportRules
{
    /// <summary>
    /// The user a report is about, when messaging knows it: the reported user; a reported message's
    /// sender (the reporter must be a party of the message, else it does not exist for them); the
    /// owner of a donation or campaign if an event named it (else null); the other party of a request
    /// (someone who is not a party gets 404, as the request does not exist for them; an admin may report
    /// it with no subject; a request messaging has not heard of yet has none until it is resolved).
    /// </summary>
    public static Result<Guid?> SubjectOf(ReportDraft draft, Caller caller, Message? message, Guid? knownOwner, RequestParties? parties) => draft.TargetType switch
    {
        ReportTargetType.Request when parties is null => (Guid?)null,
        ReportTargetType.Request when OtherParty(parties, caller.UserId) is { } other => other,
        ReportTargetType.Request when caller.IsAdmin => (Guid?)null,
        ReportTargetType.Request => Result.NotFound("No such request."),
        ReportTargetType.User => (Guid?)draft.TargetId,
        ReportTargetType.Message when message is null || !MessageRules.IsParty(message, caller) => Result.NotFound("No such message."),
        ReportTargetType.Message when message.SenderId == caller.UserId => Result.Invalid("target_id", "you cannot report your own message"),
        ReportTargetType.Message => (Guid?)message.SenderId,
        _ => knownOwner,
    };

    /// <summary>The party of a request who is not <paramref name="userId"/> (null when that user is not a party or the parties are unknown).</summary>
    public static Guid? OtherParty(RequestParties? parties, Guid userId) => parties switch
    {
        { DonorId: var donor, RecipientId: var recipient } when donor == userId => recipient,
        { DonorId: var donor, RecipientId: var recipient } when recipient == userId => donor,
        _ => null,
    };

    /// <summary>
    /// open → reviewed or resolved, reviewed → resolved; a resolved report is final (409). The action
    /// must fit the target: remove_donation a donation, remove_campaign a campaign, remove_message a message, block_user a user
    /// messaging knows (<paramref name="subject"/>, learned now if not when the report was filed) or a donation
    /// or campaign whose owner the owning service resolves.
    /// </summary>
    public static Failure? CanResolve(Report report, Resolution resolution, Guid? subject)
    {
        var state = EnumText.Parse<ReportStatus>(report.Status);
        if (state == ReportStatus.Resolved || (state == ReportStatus.Reviewed && resolution.Status == ResolveStatus.Reviewed))
        {
            return Result.Conflict($"The report was already {report.Status}; only an open report can be reviewed, and an open or reviewed one resolved (status: {report.Status}).");
        }

        var target = EnumText.Parse<ReportTargetType>(report.TargetType);
        return resolution.Action switch
        {
            ReportAction.RemoveDonation when target != ReportTargetType.Donation =>
                Result.Invalid("action", $"remove_donation needs a report about a donation (this one is about a {report.TargetType})"),
            ReportAction.RemoveCampaign when target != ReportTargetType.Campaign =>
                Result.Invalid("action", $"remove_campaign needs a report about a campaign (this one is about a {report.TargetType})"),
            ReportAction.RemoveMessage when target != ReportTargetType.Message =>
                Result.Invalid("action", $"remove_message needs a report about a message (this one is about a {report.TargetType})"),
            ReportAction.BlockUser when subject is null && target is not (ReportTargetType.Donation or ReportTargetType.Campaign) =>
                Result.Invalid("action", "block_user needs a user to block, and this report names none"),
            _ => null,
        };
    }
}
