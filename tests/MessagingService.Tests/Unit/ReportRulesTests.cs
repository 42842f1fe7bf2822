using MessagingService.Reports;
using Platform.Contracts.Events;
using Platform.Hosting.Auth;
using Platform.Hosting.Http;
using Platform.Testing;
using static MessagingService.Tests.Unit.Harness;

namespace MessagingService.Tests.Unit;

public sealed class ReportRulesTests
{
    [Fact]
    public void Create_accepts_a_report_and_drops_an_empty_description()
    {
        var result = ValidateCreate(new CreateReportBody("donation", DonationId.ToString(), " Spam ", ""), Sender);

        Assert.Equal(new ReportDraft(ReportTargetType.Donation, DonationId, "Spam", null), result.Value);
    }

    [Theory]
    [InlineData("profile", "0197a2c4-2222-7000-8000-000000000002", "spam", null, "target_type")]
    [InlineData(null, "0197a2c4-2222-7000-8000-000000000002", "spam", null, "target_type")]
    [InlineData("user", "nope", "spam", null, "target_id")]
    [InlineData("user", "16fd2706-8baf-433b-82eb-8c7fada847da", null, null, "reason")]
    [InlineData("user", "16fd2706-8baf-433b-82eb-8c7fada847da", "  ", null, "reason")]
    [InlineData("user", "7c9e6679-7425-40de-944b-e07fc1f90ae7", "spam", null, "target_id")]
    public void Create_returns_invalid_field(string? type, string? id, string? reason, string? description, string field)
    {
        var result = ValidateCreate(new CreateReportBody(type, id, reason, description), Sender);

        Assert.Equal([field], result.ErrorFields());
    }

    [Fact]
    public void Create_limits_reason_to_200_and_description_to_2000_characters()
    {
        Assert.True(ValidateCreate(new CreateReportBody("user", OtherId.ToString(), new string('r', 200), new string('d', 2000)), Sender).IsSuccess);
        var result = ValidateCreate(new CreateReportBody("user", OtherId.ToString(), new string('r', 201), new string('d', 2001)), Sender);

        Assert.Equal(["description", "reason"], result.ErrorFields());
    }

    [Fact]
    public void Subject_of_a_user_report_is_that_user()
    {
        var draft = new ReportDraft(ReportTargetType.User, OtherId, "spam", null);

        Assert.Equal(OtherId, ReportRules.SubjectOf(draft, Sender, null, null, null).Value);
    }

    [Fact]
    public void Subject_of_a_message_report_by_its_receiver_is_the_sender()
    {
        var draft = new ReportDraft(ReportTargetType.Message, MessageId, "abuse", null);

        Assert.Equal(SenderId, ReportRules.SubjectOf(draft, Receiver, Message(), null, null).Value);
    }

    [Fact]
    public void Subject_of_a_message_is_404_for_someone_outside_the_conversation_or_a_missing_message()
    {
        var draft = new ReportDraft(ReportTargetType.Message, MessageId, "abuse", null);

        Assert.Equal(ResultKind.NotFound, ReportRules.SubjectOf(draft, Other, Message(), null, null).Kind);
        Assert.Equal(ResultKind.NotFound, ReportRules.SubjectOf(draft, Admin, Message(), null, null).Kind);
        Assert.Equal(ResultKind.NotFound, ReportRules.SubjectOf(draft, Receiver, null, null, null).Kind);
    }

    [Fact]
    public void Subject_of_ones_own_message_is_invalid()
    {
        var draft = new ReportDraft(ReportTargetType.Message, MessageId, "abuse", null);

        Assert.Equal(["target_id"], ReportRules.SubjectOf(draft, Sender, Message(), null, null).ErrorFields());
    }

    [Theory]
    [InlineData(ReportTargetType.Donation)]
    [InlineData(ReportTargetType.Campaign)]
    public void Subject_of_a_donation_or_campaign_is_its_owner_when_known(ReportTargetType type)
    {
        var draft = new ReportDraft(type, DonationId, "fake", null);

        Assert.Equal(OtherId, ReportRules.SubjectOf(draft, Sender, null, OtherId, null).Value);
        Assert.Null(ReportRules.SubjectOf(draft, Sender, null, null, null).Value);
        Assert.True(ReportRules.SubjectOf(draft, Sender, null, null, null).IsSuccess);
    }

    [Fact]
    public void Resolve_defaults_the_action_to_none()
    {
        Assert.Equal(new Resolution(ResolveStatus.Reviewed, ReportAction.None), ValidateResolve(new ResolveReportBody("reviewed", null)).Value);
        Assert.Equal(new Resolution(ResolveStatus.Resolved, ReportAction.BlockUser), ValidateResolve(new ResolveReportBody("resolved", "block_user")).Value);
    }

    [Theory]
    [InlineData(null, "none", "status")]
    [InlineData("open", "none", "status")]
    [InlineData("resolved", "delete_everything", "action")]
    public void Resolve_returns_invalid_field(string? status, string? action, string field)
    {
        Assert.Equal([field], ValidateResolve(new ResolveReportBody(status, action)).ErrorFields());
    }

    [Theory]
    [InlineData("open", ResolveStatus.Reviewed, null)]
    [InlineData("open", ResolveStatus.Resolved, null)]
    [InlineData("reviewed", ResolveStatus.Resolved, null)]
    [InlineData("reviewed", ResolveStatus.Reviewed, ResultKind.Conflict)]
    [InlineData("resolved", ResolveStatus.Resolved, ResultKind.Conflict)]
    [InlineData("resolved", ResolveStatus.Reviewed, ResultKind.Conflict)]
    public void Resolve_moves_open_to_reviewed_or_resolved_and_reviewed_to_resolved_only(string from, ResolveStatus to, ResultKind? expected)
    {
        var failure = ReportRules.CanResolve(Report("user", from, OtherId), new Resolution(to, ReportAction.None), OtherId);

        Assert.Equal(expected, failure?.Kind);
        if (failure is { } conflict)
        {
            Assert.Contains($"(status: {from})", conflict.Detail, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData("donation", ReportAction.RemoveDonation, true)]
    [InlineData("campaign", ReportAction.RemoveDonation, false)]
    [InlineData("user", ReportAction.RemoveDonation, false)]
    [InlineData("campaign", ReportAction.RemoveCampaign, true)]
    [InlineData("message", ReportAction.RemoveCampaign, false)]
    [InlineData("user", ReportAction.BlockUser, true)]
    [InlineData("message", ReportAction.BlockUser, true)]
    [InlineData("donation", ReportAction.BlockUser, true)]
    [InlineData("campaign", ReportAction.BlockUser, true)]
    [InlineData("message", ReportAction.None, true)]
    public void Resolve_action_must_fit_the_target(string targetType, ReportAction action, bool allowed)
    {
        var subject = targetType is "user" or "message" ? OtherId : (Guid?)null;

        var failure = ReportRules.CanResolve(Report(targetType, "open", subject), new Resolution(ResolveStatus.Resolved, action), subject);

        Assert.Equal(allowed ? null : ResultKind.Invalid, failure?.Kind);
        Assert.Equal(allowed ? null : "action", failure?.Errors?.Keys.Single());
    }

    [Fact]
    public void Block_user_is_invalid_when_a_report_names_nobody_to_block()
    {
        var failure = ReportRules.CanResolve(Report("message", "open", null), new Resolution(ResolveStatus.Resolved, ReportAction.BlockUser), null);

        Assert.Equal(ResultKind.Invalid, failure?.Kind);
    }

    [Theory]
    [InlineData(null, ResultKind.Invalid)]
    [InlineData("0197a2c4-3333-7000-8000-000000000003", null)]
    public void Block_user_on_a_request_needs_the_subject_learned_by_now(string? subject, ResultKind? expected)
    {
        var report = Report("request", "open", null);

        var failure = ReportRules.CanResolve(report, new Resolution(ResolveStatus.Resolved, ReportAction.BlockUser), subject is null ? null : Guid.Parse(subject));

        Assert.Equal(expected, failure?.Kind);
    }

    [Fact]
    public void Subject_of_a_request_report_is_the_other_party()
    {
        var draft = new ReportDraft(ReportTargetType.Request, RequestId, "asked for money", null);
        var parties = new RequestParties(RequestId, DonationId, SenderId, ReceiverId);

        Assert.Equal(ReceiverId, ReportRules.SubjectOf(draft, Sender, null, null, parties).Value);
        Assert.Equal(SenderId, ReportRules.SubjectOf(draft, Receiver, null, null, parties).Value);
    }

    [Fact]
    public void Subject_of_a_request_is_404_for_a_stranger_none_for_an_admin_and_none_while_unknown()
    {
        var draft = new ReportDraft(ReportTargetType.Request, RequestId, "asked for money", null);
        var parties = new RequestParties(RequestId, DonationId, SenderId, ReceiverId);

        Assert.Equal(ResultKind.NotFound, ReportRules.SubjectOf(draft, Other, null, null, parties).Kind);
        Assert.True(ReportRules.SubjectOf(draft, Admin, null, null, parties) is { IsSuccess: true, Value: null });
        Assert.True(ReportRules.SubjectOf(draft, Other, null, null, null) is { IsSuccess: true, Value: null });
    }

    [Fact]
    public void Other_party_is_none_for_a_stranger_or_unknown_parties()
    {
        var parties = new RequestParties(RequestId, DonationId, SenderId, ReceiverId);

        Assert.Equal(ReceiverId, ReportRules.OtherParty(parties, SenderId));
        Assert.Null(ReportRules.OtherParty(parties, OtherId));
        Assert.Null(ReportRules.OtherParty(null, SenderId));
    }

    private static Result<ReportDraft> ValidateCreate(CreateReportBody body, Caller caller) => BodyRules.Check(body, b => b.ToDraft(), caller);

    private static Result<Resolution> ValidateResolve(ResolveReportBody body) => BodyRules.Check(body, b => b.ToResolution());

    private static readonly Guid RequestId = Guid.Parse("0197a2c4-4444-7000-8000-000000000004");

    private static Report Report(string targetType, string status, Guid? subject) => new()
    {
        Id = Guid.CreateVersion7(),
        ReporterId = SenderId,
        TargetType = targetType,
        TargetId = targetType == "user" ? OtherId : DonationId,
        SubjectUserId = subject,
        Reason = "spam",
        Status = status,
        CreatedAt = Noon,
        UpdatedAt = Noon,
    };
}
