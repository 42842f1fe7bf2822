using CampaignService.Campaigns;
using Platform.Hosting.Auth;
using Platform.Hosting.Http;
using Platform.Testing;
using static CampaignService.Tests.Support.FunctionHarness;

namespace CampaignService.Tests.Campaigns;

public sealed class CampaignRulesTests
{
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
    [InlineData("active", Viewer.Anonymous, true)]
    [InlineData("active", Viewer.Other, true)]
    [InlineData("paused", Viewer.Anonymous, true)]
    [InlineData("paused", Viewer.Other, true)]
    [InlineData("completed", Viewer.Anonymous, true)]
    [InlineData("completed", Viewer.Admin, true)]
    public void IsVisibleTo_shows_public_states_to_everyone_and_the_rest_to_owner_and_admins(string status, Viewer viewer, bool visible)
    {
        Assert.Equal(visible, CampaignRules.IsVisibleTo(Campaign(status), CallerFor(viewer)));
    }

    [Theory]
    [InlineData(Viewer.Anonymous)]
    [InlineData(Viewer.Owner)]
    [InlineData(Viewer.Admin)]
    public void IsVisibleTo_hides_a_deleted_campaign_from_everyone(Viewer viewer)
    {
        Assert.False(CampaignRules.IsVisibleTo(Campaign("active", deleted: true), CallerFor(viewer)));
    }

    [Fact]
    public void Validate_returns_trimmed_fields_the_category_and_the_goal()
    {
        var body = new CampaignBody(" Books ", " For 40 pupils ", "education", " Leeds ", "https://cdn.example.test/b.jpg", 1500.50m, null, null);

        var result = Validate(body);

        Assert.Equal(new CampaignFields("Books", "For 40 pupils", CampaignCategory.Education, "Leeds", "https://cdn.example.test/b.jpg", 1500.50m, null), result.Value);
    }

    [Theory]
    [InlineData("xyz", "1500", "currency")]
    [InlineData("USD", "1500", "currency")]
    [InlineData("jpy", "1500.50", "goal_amount")]
    public void Validate_refuses_an_unsupported_currency_and_cents_in_a_currency_without_them(string currency, string goal, string field)
    {
        var body = new CampaignBody("Books", null, "education", null, null, decimal.Parse(goal, System.Globalization.CultureInfo.InvariantCulture), currency, null);

        var result = Validate(body);

        Assert.Equal(ResultKind.Invalid, result.Kind);
        Assert.Equal([field], result.Errors!.Keys);
    }

    [Fact]
    public void Validate_keeps_a_supported_currency()
    {
        Assert.Equal("jpy", Validate(new CampaignBody("Books", null, "education", null, null, 1500m, "jpy", null)).Value!.Currency);
    }

    [Theory]
    [InlineData(null, "goal_amount")]
    [InlineData("0", "goal_amount")]
    [InlineData("0.001", "goal_amount")]
    [InlineData("10.555", "goal_amount")]
    [InlineData("10000000.01", "goal_amount")]
    [InlineData("-5", "goal_amount")]
    public void Validate_refuses_a_goal_outside_one_cent_to_ten_million_or_with_more_than_two_decimals(string? goal, string field)
    {
        var body = new CampaignBody("Books", null, "education", null, null, goal is null ? null : decimal.Parse(goal, System.Globalization.CultureInfo.InvariantCulture), null, null);

        var result = Validate(body);

        Assert.Equal(ResultKind.Invalid, result.Kind);
        Assert.Equal([field], result.Errors!.Keys);
    }

    [Theory]
    [InlineData("0.01")]
    [InlineData("10000000")]
    [InlineData("10000000.00")]
    [InlineData("99.9")]
    public void Validate_accepts_goals_at_the_bounds(string goal)
    {
        var body = new CampaignBody("Books", null, "education", null, null, decimal.Parse(goal, System.Globalization.CultureInfo.InvariantCulture), null, null);

        Assert.True(Validate(body).IsSuccess);
    }

    [Fact]
    public void Validate_names_every_bad_field()
    {
        var result = Validate(new CampaignBody("", null, "toys", null, "ftp://x", null, null, null));

        Assert.Equal(["category", "goal_amount", "image_url", "title"], result.Errors!.Keys.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void CanCreate_refuses_without_a_profile_copy_and_says_verification_is_required()
    {
        var refused = CampaignRules.CanCreate(null);

        Assert.Equal(ResultKind.Forbidden, refused!.Value.Kind);
        Assert.Contains("verif", refused.Value.Detail, StringComparison.OrdinalIgnoreCase);
    }

    [Theory]
    [InlineData("recipient", "none", false, true)]
    [InlineData("recipient", "requested", false, true)]
    [InlineData("recipient", "rejected", false, true)]
    [InlineData("recipient", "approved", true, true)]
    [InlineData("donor", "approved", false, true)]
    [InlineData("admin", "none", false, true)]
    [InlineData("recipient", "approved", false, false)]
    public void CanCreate_allows_only_verified_unblocked_recipients(string role, string status, bool blocked, bool refused)
    {
        Assert.Equal(refused, CampaignRules.CanCreate(Profile(role, status, blocked)) is not null);
    }

    [Theory]
    [InlineData("pending", null)]
    [InlineData("active", null)]
    [InlineData("paused", null)]
    [InlineData("completed", ResultKind.Conflict)]
    [InlineData("rejected", ResultKind.Conflict)]
    public void CanUpdate_lets_the_owner_edit_only_pending_active_or_paused_campaigns(string status, ResultKind? expected)
    {
        var campaign = Campaign(status, goal: 100m, collected: status == "completed" ? 100m : 0m);

        Assert.Equal(expected, CampaignRules.CanUpdate(campaign, Owner, Profile(), Fields(200m))?.Kind);
    }

    [Theory]
    [InlineData("49.99", ResultKind.Conflict)]
    [InlineData("50.00", ResultKind.Conflict)]
    [InlineData("50.01", null)]
    public void CanUpdate_keeps_the_goal_above_the_collected_amount_with_409(string goal, ResultKind? expected)
    {
        var failure = CampaignRules.CanUpdate(Campaign("active", 100m, 50m, 3), Owner, Profile(), Fields(decimal.Parse(goal, System.Globalization.CultureInfo.InvariantCulture)));

        Assert.Equal(expected, failure?.Kind);
        if (failure is { } conflict)
        {
            Assert.Contains("collected_amount: 50.00", conflict.Detail, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData("pending", "eur", null)]
    [InlineData("pending", "usd", null)]
    [InlineData("active", "usd", null)]
    [InlineData("active", "eur", ResultKind.Conflict)]
    [InlineData("paused", "jpy", ResultKind.Conflict)]
    public void CanUpdate_changes_the_currency_only_while_pending(string status, string currency, ResultKind? expected)
    {
        var failure = CampaignRules.CanUpdate(Campaign(status), Owner, Profile(), Fields(200m, currency));

        Assert.Equal(expected, failure?.Kind);
        if (failure is { } conflict)
        {
            Assert.Contains("currency: usd", conflict.Detail, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void CanUpdate_is_400_on_a_goal_with_cents_in_a_currency_without_them()
    {
        var kept = CampaignRules.CanUpdate(Campaign("active", currency: "jpy"), Owner, Profile(), Fields(1500.50m))!.Value;
        var named = CampaignRules.CanUpdate(Campaign("pending"), Owner, Profile(), Fields(1500.50m, "jpy"))!.Value;

        Assert.Equal(["must be a whole number: JPY has no minor unit"], kept.Errors!["goal_amount"]);
        Assert.Equal(ResultKind.Invalid, named.Kind);
        Assert.Null(CampaignRules.CanUpdate(Campaign("active", currency: "jpy"), Owner, Profile(), Fields(1500m)));
    }

    [Fact]
    public void CanUpdate_is_404_for_a_stranger_of_a_pending_campaign_and_403_for_other_changes()
    {
        Assert.Equal(ResultKind.NotFound, CampaignRules.CanUpdate(Campaign("pending"), Other, null, Fields(200m))!.Value.Kind);
        Assert.Equal(ResultKind.Forbidden, CampaignRules.CanUpdate(Campaign("active"), Other, null, Fields(200m))!.Value.Kind);
        Assert.Equal(ResultKind.Forbidden, CampaignRules.CanUpdate(Campaign("active"), Admin, null, Fields(200m))!.Value.Kind);
        Assert.Equal(ResultKind.Forbidden, CampaignRules.CanUpdate(Campaign("active"), Owner, Profile(blocked: true), Fields(200m))!.Value.Kind);
    }

    [Theory]
    [InlineData(Viewer.Owner, 0, null)]
    [InlineData(Viewer.Owner, 2, ResultKind.Conflict)]
    [InlineData(Viewer.Admin, 0, null)]
    [InlineData(Viewer.Admin, 2, null)]
    [InlineData(Viewer.Other, 0, ResultKind.Forbidden)]
    public void CanDelete_lets_the_owner_delete_before_any_contribution_and_an_admin_always(Viewer viewer, int contributors, ResultKind? expected)
    {
        var campaign = Campaign("active", collected: contributors * 10m, contributors: contributors);

        Assert.Equal(expected, CampaignRules.CanDelete(campaign, CallerFor(viewer)!, null)?.Kind);
    }

    [Fact]
    public void CanDelete_is_404_for_a_stranger_of_a_pending_campaign()
    {
        Assert.Equal(ResultKind.NotFound, CampaignRules.CanDelete(Campaign("pending"), Other, null)!.Value.Kind);
    }

    private static Result<CampaignFields> Validate(CampaignBody body) => BodyRules.Check(body, b => b.ToFields());

    private static Caller? CallerFor(Viewer viewer) => viewer switch
    {
        Viewer.Owner => Owner,
        Viewer.Other => Other,
        Viewer.Admin => Admin,
        _ => null,
    };

    private static CampaignFields Fields(decimal goal, string? currency = null) => new("Books", null, CampaignCategory.Education, null, null, goal, currency);
}
