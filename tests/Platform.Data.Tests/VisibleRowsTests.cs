using Platform.Data;

namespace Platform.Data.Tests;

public sealed class VisibleRowsTests
{
    private static readonly string[] Public = ["available", "claimed"];

    [Fact]
    public void An_admin_sees_every_row_whatever_the_filter()
    {
        Assert.Equal(string.Empty, VisibleRows.Condition(signedIn: true, isAdmin: true, statusFilter: null, Public, "donor_id"));
        Assert.Equal(string.Empty, VisibleRows.Condition(signedIn: true, isAdmin: true, statusFilter: "pending", Public, "donor_id"));
    }

    [Fact]
    public void Without_a_status_filter_a_user_sees_public_rows_and_its_own()
    {
        Assert.Equal(" and (status = any(@publicStates) or donor_id = @callerId)",
            VisibleRows.Condition(signedIn: true, isAdmin: false, statusFilter: null, Public, "donor_id"));
    }

    [Fact]
    public void Without_a_status_filter_an_anonymous_caller_sees_public_rows_only()
    {
        Assert.Equal(" and status = any(@publicStates)", VisibleRows.Condition(signedIn: false, isAdmin: false, statusFilter: null, Public, "donor_id"));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void A_public_status_filter_needs_no_further_condition(bool signedIn)
    {
        Assert.Equal(string.Empty, VisibleRows.Condition(signedIn, isAdmin: false, statusFilter: "claimed", Public, "donor_id"));
    }

    [Fact]
    public void A_private_status_filter_limits_a_user_to_its_own_rows()
    {
        Assert.Equal(" and recipient_id = @callerId", VisibleRows.Condition(signedIn: true, isAdmin: false, statusFilter: "draft", Public, "recipient_id"));
    }

    [Fact]
    public void A_private_status_filter_shows_an_anonymous_caller_nothing()
    {
        Assert.Equal(" and false", VisibleRows.Condition(signedIn: false, isAdmin: false, statusFilter: "pending", Public, "donor_id"));
    }

    [Fact]
    public void An_admin_flag_without_a_signed_in_caller_grants_nothing()
    {
        Assert.Equal(" and status = any(@publicStates)", VisibleRows.Condition(signedIn: false, isAdmin: true, statusFilter: null, Public, "donor_id"));
    }

    [Fact]
    public void Status_names_compare_exactly()
    {
        Assert.Equal(" and donor_id = @callerId", VisibleRows.Condition(signedIn: true, isAdmin: false, statusFilter: "Available", Public, "donor_id"));
    }
}
