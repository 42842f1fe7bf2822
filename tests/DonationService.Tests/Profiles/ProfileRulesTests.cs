using DonationService.Profiles;
using Platform.Hosting.Auth;
using Platform.Hosting.Http;
using Platform.Testing;

namespace DonationService.Tests.Profiles;

public sealed class ProfileRulesTests
{
    private static readonly Guid Id = Guid.Parse("7c9e6679-7425-40de-944b-e07fc1f90ae7");

    [Theory]
    [InlineData(false, null, ProfileRole.Recipient)]
    [InlineData(false, "recipient", ProfileRole.Recipient)]
    [InlineData(false, "donor", ProfileRole.Donor)]
    [InlineData(false, "admin", ProfileRole.Recipient)]
    [InlineData(false, "Donor", ProfileRole.Recipient)]
    [InlineData(true, null, ProfileRole.Admin)]
    [InlineData(true, "donor", ProfileRole.Admin)]
    public void InitialRole_is_admin_from_the_token_else_donor_if_chosen_else_recipient(bool isAdmin, string? signupRole, ProfileRole expected)
    {
        Assert.Equal(expected, ProfileRules.InitialRole(new Caller(Id, null, isAdmin, signupRole)));
    }

    [Theory]
    [InlineData(true, "donor", ProfileRole.Admin)]
    [InlineData(true, "recipient", ProfileRole.Admin)]
    [InlineData(true, "admin", null)]
    [InlineData(false, "admin", ProfileRole.Recipient)]
    [InlineData(false, "donor", null)]
    [InlineData(false, "recipient", null)]
    public void MirroredRole_follows_the_admin_claim_and_leaves_other_roles_alone(bool isAdmin, string role, ProfileRole? expected)
    {
        Assert.Equal(expected, ProfileRules.MirroredRole(new Caller(Id, null, isAdmin), new Profile { Id = Id, Role = role }));
    }

    [Fact]
    public void ValidateUpdate_returns_trimmed_changes_for_valid_fields()
    {
        var body = new UpdateProfileBody(" Ann Lee ", "+49 (30) 123-456", "https://cdn.example.test/a.png", " Berlin ", "donor", null, null);

        var result = ValidateUpdate(body, User());

        Assert.True(result.IsSuccess);
        Assert.Equal(new ProfileChanges("Ann Lee", "+49 (30) 123-456", "https://cdn.example.test/a.png", "Berlin", ProfileRole.Donor), result.Value);
    }

    [Fact]
    public void ValidateUpdate_accepts_an_empty_body_as_no_values()
    {
        var result = ValidateUpdate(new UpdateProfileBody(null, null, null, null, null, null, null), User());

        Assert.Equal(new ProfileChanges(null, null, null, null, null), result.Value);
    }

    [Fact]
    public void ValidateUpdate_refuses_the_admin_role()
    {
        var result = ValidateUpdate(new UpdateProfileBody(null, null, null, null, "admin", null, null), User());

        Assert.Equal(ResultKind.Invalid, result.Kind);
        Assert.Equal("must be one of: donor, recipient", Assert.Single(result.Errors!["role"]));
    }

    [Fact]
    public void ValidateUpdate_refuses_an_admin_changing_their_own_role()
    {
        var result = ValidateUpdate(new UpdateProfileBody(null, null, null, null, "donor", null, null), User(isAdmin: true));

        Assert.Equal(["role"], result.Errors!.Keys);
    }

    [Fact]
    public void ValidateUpdate_lets_an_admin_change_other_fields()
    {
        Assert.True(ValidateUpdate(new UpdateProfileBody("Root", null, null, null, null, null, null), User(isAdmin: true)).IsSuccess);
    }

    [Theory]
    [InlineData("superuser")]
    [InlineData("Donor")]
    public void ValidateUpdate_refuses_an_unknown_role(string role)
    {
        Assert.Equal(["role"], ValidateUpdate(new UpdateProfileBody(null, null, null, null, role, null, null), User()).Errors!.Keys);
    }

    [Theory]
    [InlineData("+1 555 0100")]
    [InlineData("(030) 12-34")]
    [InlineData("123")]
    public void ValidateUpdate_accepts_phone_numbers_of_digits_spaces_parentheses_dashes_and_a_leading_plus(string phone)
    {
        Assert.True(ValidateUpdate(new UpdateProfileBody(null, phone, null, null, null, null, null), User()).IsSuccess);
    }

    [Theory]
    [InlineData("555-CALL-NOW")]
    [InlineData("12+34")]
    [InlineData("++49 30")]
    [InlineData("12")]
    [InlineData("+49 30 1234 5678 9012 3456 7890 1234")]
    [InlineData("tel:5550100")]
    public void ValidateUpdate_refuses_other_phone_numbers(string phone)
    {
        Assert.Equal(["phone"], ValidateUpdate(new UpdateProfileBody(null, phone, null, null, null, null, null), User()).Errors!.Keys);
    }

    [Fact]
    public void ValidateUpdate_reports_every_bad_field_at_once()
    {
        var body = new UpdateProfileBody(new string('a', 121), "abc", "ftp://x.test/a.png", "", "admin", null, null);

        var result = ValidateUpdate(body, User());

        Assert.Equal(["avatar_url", "full_name", "location", "phone", "role"], result.Errors!.Keys.Order(StringComparer.Ordinal));
    }

    [Theory]
    [InlineData("none")]
    [InlineData("rejected")]
    [InlineData("requested")]
    public void CanRequestVerification_allows_a_recipient_who_is_not_approved(string status)
    {
        Assert.Null(ProfileRules.CanRequestVerification(Profile(role: "recipient", status: status)));
    }

    [Fact]
    public void CanRequestVerification_is_a_conflict_once_approved()
    {
        var refused = ProfileRules.CanRequestVerification(Profile(role: "recipient", status: "approved"));

        Assert.Equal(ResultKind.Conflict, refused!.Value.Kind);
        Assert.Contains("approved", refused.Value.Detail, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("donor", false)]
    [InlineData("admin", false)]
    [InlineData("recipient", true)]
    public void CanRequestVerification_is_forbidden_for_non_recipients_and_blocked_users(string role, bool blocked)
    {
        Assert.Equal(ResultKind.Forbidden, ProfileRules.CanRequestVerification(Profile(role: role, blocked: blocked))!.Value.Kind);
    }

    [Theory]
    [InlineData(VerificationDecision.Approve, RecipientStatus.Approved)]
    [InlineData(VerificationDecision.Reject, RecipientStatus.Rejected)]
    public void Decide_turns_a_requested_verification_into_the_decision(VerificationDecision decision, RecipientStatus expected)
    {
        var result = ProfileRules.Decide(Profile(status: "requested"), decision);

        Assert.Equal(ResultKind.Ok, result.Kind);
        Assert.Equal(expected, result.Value);
    }

    [Theory]
    [InlineData("none")]
    [InlineData("approved")]
    [InlineData("rejected")]
    public void Decide_returns_conflict_naming_the_state_when_verification_was_not_requested(string status)
    {
        var result = ProfileRules.Decide(Profile(status: status), VerificationDecision.Approve);

        Assert.Equal(ResultKind.Conflict, result.Kind);
        Assert.Contains($"recipient_status: {status}", result.Detail, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("donor", false, true)]
    [InlineData("recipient", true, false)]
    [InlineData("admin", true, false)]
    public void CanBlock_allows_a_change_of_block_state(string role, bool blocked, bool block)
    {
        Assert.Null(ProfileRules.CanBlock(Profile(role: role, blocked: blocked), block));
    }

    [Fact]
    public void CanBlock_forbids_blocking_an_admin()
    {
        Assert.Equal(ResultKind.Forbidden, ProfileRules.CanBlock(Profile(role: "admin"), block: true)!.Value.Kind);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void CanBlock_is_a_conflict_when_the_user_is_already_in_that_state(bool blocked)
    {
        var refused = ProfileRules.CanBlock(Profile(role: "donor", blocked: blocked), blocked);

        Assert.Equal(ResultKind.Conflict, refused!.Value.Kind);
        Assert.Contains($"blocked: {(blocked ? "true" : "false")}", refused.Value.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void IsBlocked_is_false_without_a_profile()
    {
        Assert.False(ProfileRules.IsBlocked(null));
        Assert.True(ProfileRules.IsBlocked(Profile(blocked: true)));
    }

    private static Result<ProfileChanges> ValidateUpdate(UpdateProfileBody body, Caller caller) => BodyRules.Check(body, b => b.ToChanges(), caller);

    private static Caller User(bool isAdmin = false) => new(Id, "ann@example.test", isAdmin);

    private static Profile Profile(string role = "recipient", string status = "none", bool blocked = false) =>
        new() { Id = Id, Role = role, RecipientStatus = status, Blocked = blocked };
}
