using DonationService.Donations;
using DonationService.Profiles;
using Platform.Hosting.Auth;
using Platform.Hosting.Http;
using Platform.Testing;

namespace DonationService.Tests.Donations;

public sealed class DonationRulesTests
{
    private static readonly Guid OwnerId = Guid.Parse("7c9e6679-7425-40de-944b-e07fc1f90ae7");
    private static readonly Caller Owner = new(OwnerId, "owner@example.test", false);
    private static readonly Caller Stranger = new(Guid.Parse("16fd2706-8baf-433b-82eb-8c7fada847da"), null, false);
    private static readonly Caller Admin = new(Guid.Parse("a3bb189e-8bf9-4888-9912-ace4e6543002"), null, true);

    public enum Viewer
    {
        Anonymous,
        Owner,
        Other,
        Admin,
    }

    [Theory]
    [InlineData("pending", Viewer.Anonymous, false)]
    [InlineData("pending", Viewer.Other, false)]
    [InlineData("pending", Viewer.Owner, true)]
    [InlineData("pending", Viewer.Admin, true)]
    [InlineData("rejected", Viewer.Anonymous, false)]
    [InlineData("rejected", Viewer.Other, false)]
    [InlineData("rejected", Viewer.Owner, true)]
    [InlineData("rejected", Viewer.Admin, true)]
    [InlineData("available", Viewer.Anonymous, true)]
    [InlineData("available", Viewer.Other, true)]
    [InlineData("available", Viewer.Owner, true)]
    [InlineData("available", Viewer.Admin, true)]
    [InlineData("claimed", Viewer.Anonymous, true)]
    [InlineData("claimed", Viewer.Other, true)]
    [InlineData("claimed", Viewer.Owner, true)]
    [InlineData("claimed", Viewer.Admin, true)]
    [InlineData("completed", Viewer.Anonymous, true)]
    [InlineData("completed", Viewer.Other, true)]
    [InlineData("completed", Viewer.Owner, true)]
    [InlineData("completed", Viewer.Admin, true)]
    public void IsVisibleTo_shows_public_states_to_everyone_and_the_rest_to_owner_and_admins(string status, Viewer viewer, bool visible)
    {
        Assert.Equal(visible, DonationRules.IsVisibleTo(Donation(status), CallerFor(viewer)));
    }

    [Theory]
    [InlineData(Viewer.Anonymous)]
    [InlineData(Viewer.Owner)]
    [InlineData(Viewer.Other)]
    [InlineData(Viewer.Admin)]
    public void IsVisibleTo_hides_a_deleted_donation_from_everyone(Viewer viewer)
    {
        var deleted = new Donation { Id = Guid.NewGuid(), DonorId = OwnerId, Status = "available", DeletedAt = DateTime.UtcNow };

        Assert.False(DonationRules.IsVisibleTo(deleted, CallerFor(viewer)));
    }

    [Fact]
    public void Validate_returns_trimmed_fields_and_the_parsed_category()
    {
        var body = Body(" Oak table ", " Solid, 2 m ", "furniture", " Leipzig ", "https://cdn.example.test/t.jpg");

        var result = Validate(body);

        Assert.Equal(new DonationFields("Oak table", "Solid, 2 m", DonationCategory.Furniture, "Leipzig", "https://cdn.example.test/t.jpg"), result.Value);
    }

    [Fact]
    public void Validate_turns_an_empty_description_into_none()
    {
        Assert.Null(Validate(Body("Lamp", "   ", "household", null, null)).Value!.Description);
    }

    [Fact]
    public void Validate_requires_title_and_category()
    {
        var result = Validate(Body(null, null, null, null, null));

        Assert.Equal(ResultKind.Invalid, result.Kind);
        Assert.Equal(["category", "title"], result.Errors!.Keys.Order(StringComparer.Ordinal));
    }

    [Theory]
    [InlineData(121, 10, "title")]
    [InlineData(120, 2001, "description")]
    public void Validate_enforces_title_and_description_lengths(int titleLength, int descriptionLength, string field)
    {
        var result = Validate(Body(new string('t', titleLength), new string('d', descriptionLength), "books", null, null));

        Assert.Equal([field], result.Errors!.Keys);
    }

    [Theory]
    [InlineData("cars", "category")]
    [InlineData("Books", "category")]
    public void Validate_refuses_unknown_categories(string category, string field)
    {
        Assert.Equal([field], Validate(Body("Lamp", null, category, null, null)).Errors!.Keys);
    }

    [Fact]
    public void Validate_refuses_a_non_http_image_url_and_a_title_with_control_characters()
    {
        var result = Validate(Body("Lamp\u0007", null, "other", null, "data:image/png;base64,AAAA"));

        Assert.Equal(["image_url", "title"], result.Errors!.Keys.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void CanCreate_allows_a_donor()
    {
        Assert.Null(DonationRules.CanCreate(Owner, Profile("donor")));
    }

    [Fact]
    public void CanCreate_allows_an_admin_with_or_without_a_profile()
    {
        Assert.Null(DonationRules.CanCreate(Admin, Profile("admin")));
        Assert.Null(DonationRules.CanCreate(Admin, null));
    }

    [Fact]
    public void CanCreate_forbids_a_recipient()
    {
        var refused = DonationRules.CanCreate(Owner, Profile("recipient"));

        Assert.Equal(ResultKind.Forbidden, refused!.Value.Kind);
        Assert.Contains("donor", refused.Value.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void CanCreate_forbids_a_caller_without_a_profile()
    {
        Assert.Equal(ResultKind.Forbidden, DonationRules.CanCreate(Owner, null)!.Value.Kind);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void CanCreate_forbids_a_blocked_user_even_an_admin(bool isAdmin)
    {
        var refused = DonationRules.CanCreate(isAdmin ? Admin : Owner, Profile("donor", blocked: true));

        Assert.Equal("Your account is blocked.", refused!.Value.Detail);
    }

    [Theory]
    [InlineData("pending")]
    [InlineData("available")]
    public void CanUpdate_allows_the_owner_while_pending_or_available(string status)
    {
        Assert.Null(DonationRules.CanUpdate(Donation(status), Owner, Profile("donor")));
    }

    [Theory]
    [InlineData("claimed")]
    [InlineData("completed")]
    [InlineData("rejected")]
    public void CanUpdate_is_a_conflict_naming_the_status_in_other_states(string status)
    {
        var refused = DonationRules.CanUpdate(Donation(status), Owner, Profile("donor"));

        Assert.Equal(ResultKind.Conflict, refused!.Value.Kind);
        Assert.Contains($"status: {status}", refused.Value.Detail, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("pending", ResultKind.NotFound)]
    [InlineData("available", ResultKind.Forbidden)]
    public void CanUpdate_hides_or_forbids_another_users_donation(string status, ResultKind expected)
    {
        Assert.Equal(expected, DonationRules.CanUpdate(Donation(status), Stranger, Profile("donor"))!.Value.Kind);
    }

    [Fact]
    public void CanUpdate_forbids_an_admin_who_is_not_the_owner()
    {
        Assert.Equal(ResultKind.Forbidden, DonationRules.CanUpdate(Donation("pending"), Admin, Profile("admin"))!.Value.Kind);
    }

    [Fact]
    public void CanUpdate_forbids_a_blocked_owner()
    {
        Assert.Equal("Your account is blocked.", DonationRules.CanUpdate(Donation("available"), Owner, Profile("donor", blocked: true))!.Value.Detail);
    }

    [Theory]
    [InlineData("pending")]
    [InlineData("claimed")]
    public void CanDelete_allows_the_owner_and_admins(string status)
    {
        Assert.Null(DonationRules.CanDelete(Donation(status), Owner, Profile("donor")));
        Assert.Null(DonationRules.CanDelete(Donation(status), Admin, null));
    }

    [Theory]
    [InlineData("pending", ResultKind.NotFound)]
    [InlineData("available", ResultKind.Forbidden)]
    public void CanDelete_hides_or_forbids_another_users_donation(string status, ResultKind expected)
    {
        Assert.Equal(expected, DonationRules.CanDelete(Donation(status), Stranger, Profile("donor"))!.Value.Kind);
    }

    [Fact]
    public void CanDelete_forbids_a_blocked_owner()
    {
        Assert.Equal(ResultKind.Forbidden, DonationRules.CanDelete(Donation("available"), Owner, Profile("donor", blocked: true))!.Value.Kind);
    }

    [Theory]
    [InlineData(ReviewDecision.Approve, DonationStatus.Available)]
    [InlineData(ReviewDecision.Reject, DonationStatus.Rejected)]
    public void Review_moves_a_pending_donation_to_the_decision(ReviewDecision decision, DonationStatus expected)
    {
        var result = DonationRules.Review(Donation("pending"), decision);

        Assert.True(result.IsSuccess);
        Assert.Equal(expected, result.Value);
    }

    [Theory]
    [InlineData("available")]
    [InlineData("rejected")]
    [InlineData("claimed")]
    [InlineData("completed")]
    public void Review_returns_conflict_naming_the_status_when_not_pending(string status)
    {
        var result = DonationRules.Review(Donation(status), ReviewDecision.Approve);

        Assert.Equal(ResultKind.Conflict, result.Kind);
        Assert.Contains($"status: {status}", result.Detail, StringComparison.Ordinal);
    }

    private static Result<DonationFields> Validate(DonationBody body) => BodyRules.Check(body, b => b.ToFields());

    private static Caller? CallerFor(Viewer viewer) => viewer switch
    {
        Viewer.Owner => Owner,
        Viewer.Other => Stranger,
        Viewer.Admin => Admin,
        _ => null,
    };

    private static Donation Donation(string status) => new() { Id = Guid.NewGuid(), DonorId = OwnerId, Title = "Lamp", Status = status };

    private static Profile Profile(string role, bool blocked = false) => new() { Id = OwnerId, Role = role, Blocked = blocked };

    /// <summary>A body with the original five fields (the issue 17 fields absent).</summary>
    private static DonationBody Body(string? title, string? description, string? category, string? location, string? imageUrl) =>
        new(title, description, category, location, imageUrl, null, null, null, null, null, null);
}
