using System.Globalization;
using DonationService.Import;
using Platform.Data.Import;

namespace DonationService.Tests.Import;

public sealed class LegacyValuesTests
{
    [Theory]
    [InlineData("Clothing", "clothing")]
    [InlineData("Furniture", "furniture")]
    [InlineData(" Books ", "books")]
    [InlineData("household", "household")]
    [InlineData("Other", "other")]
    public void The_originals_capitalised_categories_are_the_platforms_words(string original, string expected)
    {
        Assert.Equal((expected, null), LegacyValues.Category(original));
    }

    [Theory]
    [InlineData("Garden Tools")]
    [InlineData("")]
    [InlineData(null)]
    public void An_unknown_category_becomes_other_with_a_repair(string? original)
    {
        var (category, repair) = LegacyValues.Category(original);

        Assert.Equal("other", category);
        Assert.Equal($"category '{original}' is not one of the platform's: other", repair);
    }

    [Theory]
    [InlineData("unrequested", "none")]
    [InlineData("pending", "requested")]
    [InlineData("Approved", "approved")]
    [InlineData("rejected", "rejected")]
    [InlineData(null, "none")]
    public void Verification_states_map_to_recipient_status(string? original, string expected)
    {
        Assert.Equal((expected, null), LegacyValues.RecipientStatus(original));
    }

    [Fact]
    public void An_unknown_verification_state_is_none_with_a_repair()
    {
        Assert.Equal(("none", "verification_status 'maybe' is unknown: none"), LegacyValues.RecipientStatus("maybe"));
    }

    [Theory]
    [InlineData("pending", "pending")]
    [InlineData("approved", "available")]
    [InlineData("available", "available")]
    [InlineData("requested", "available")]
    [InlineData("claimed", "claimed")]
    [InlineData("donated", "completed")]
    [InlineData("Rejected", "rejected")]
    public void Donation_statuses_map_to_the_platforms(string original, string expected)
    {
        Assert.Equal((expected, null), LegacyValues.DonationStatus(original));
    }

    [Theory]
    [InlineData("lost")]
    [InlineData(null)]
    public void An_unknown_donation_status_goes_back_to_review(string? original)
    {
        Assert.Equal(("pending", $"status '{original}' is unknown: pending (back to review)"), LegacyValues.DonationStatus(original));
    }

    [Theory]
    [InlineData("Donor", "donor", null)]
    [InlineData("recipient", "recipient", null)]
    [InlineData("admin", "admin", null)]
    [InlineData(null, "recipient", null)]
    [InlineData("superuser", "recipient", "role 'superuser' is unknown: recipient")]
    public void Roles_are_lower_case_and_default_to_recipient(string? original, string expected, string? repair)
    {
        Assert.Equal((expected, repair), LegacyValues.Role(original));
    }

    [Fact]
    public void Text_over_the_limit_is_cut_or_dropped_and_said_so()
    {
        Assert.Equal(("abc", null), LegacyFields.Cut("title", "abc", 3));
        Assert.Equal(("abc", "title longer than 3 characters: cut"), LegacyFields.Cut("title", "abcd", 3));
        Assert.Equal((null, "email longer than 3 characters: left empty"), LegacyFields.DropIfLonger("email", "abcd", 3));
        Assert.Equal((null, null), LegacyFields.DropIfLonger("email", null, 3));
    }

    [Fact]
    public void A_missing_created_at_takes_updated_at_or_a_fixed_time_so_every_pass_writes_the_same()
    {
        var updated = new DateTime(2024, 5, 1, 0, 0, 0, DateTimeKind.Utc);

        Assert.Equal((updated, null), LegacyFields.CreatedAt(updated, null));
        Assert.Equal((updated, "created_at missing: updated_at used"), LegacyFields.CreatedAt(null, updated));
        Assert.Equal((DateTime.UnixEpoch, "created_at missing: 1970-01-01 used"), LegacyFields.CreatedAt(null, null));
    }

    [Fact]
    public void A_donation_with_an_empty_title_and_an_odd_category_is_imported_with_both_repairs()
    {
        var batch = new ImportBatch();
        var row = new LegacyDonation { Id = Guid.NewGuid(), DonorId = Guid.NewGuid(), Title = "  ", Category = "Garden", Status = "approved", CreatedAt = DateTime.UtcNow };

        var mapped = DonationImport.Map(row, row.DonorId!.Value, batch, _ => true);

        Assert.Equal(DonationImport.UntitledTitle, mapped.Title);
        Assert.Equal("other", mapped.Category);
        Assert.Equal("available", mapped.Status);
        Assert.Equal(["title is empty: 'Untitled item'", "category 'Garden' is not one of the platform's: other"], batch.Issues.Select(i => i.Reason));
    }

    [Theory]
    [InlineData("claimed", false, "claimed", true, null)]
    [InlineData("claimed", true, "completed", true, "claimed, but its request {0} is completed: completed")]
    [InlineData("completed", false, "completed", true, null)]
    [InlineData("available", false, "available", false, null)]
    [InlineData("pending", true, "pending", false, null)]
    public void A_claimed_or_handed_over_item_is_held_by_its_request_and_nothing_else_holds_one(
        string status, bool requestCompleted, string expectedStatus, bool held, string? repair)
    {
        var (donor, request, recipient) = (Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid());
        var row = new LegacyDonation { Id = Guid.NewGuid(), HolderRequestId = request, HolderRecipientId = recipient, HolderCompleted = requestCompleted };

        var (mapped, holder) = DonationImport.Claim(row, donor, status, _ => true);

        Assert.Equal((expectedStatus, repair is null ? null : string.Format(CultureInfo.InvariantCulture, repair, request)), mapped);
        Assert.Equal(held ? (request, recipient) : null, holder);
    }

    [Fact]
    public void A_holding_request_request_service_does_not_import_holds_nothing()
    {
        var (donor, stranger) = (Guid.NewGuid(), Guid.NewGuid());
        var byDonor = new LegacyDonation { Id = Guid.NewGuid(), HolderRequestId = Guid.NewGuid(), HolderRecipientId = donor };
        var byStranger = new LegacyDonation { Id = Guid.NewGuid(), HolderRequestId = Guid.NewGuid(), HolderRecipientId = stranger };
        var none = new LegacyDonation { Id = Guid.NewGuid() };

        Assert.Equal((("claimed", (string?)null), ((Guid, Guid)?)null), DonationImport.Claim(byDonor, donor, "claimed", _ => true));
        Assert.Equal((("claimed", (string?)null), ((Guid, Guid)?)null), DonationImport.Claim(byStranger, donor, "claimed", id => id != stranger));
        Assert.Equal((("claimed", (string?)null), ((Guid, Guid)?)null), DonationImport.Claim(none, donor, "claimed", _ => true));
    }

    [Fact]
    public void A_blocked_profile_with_a_capitalised_role_keeps_its_values()
    {
        var batch = new ImportBatch();
        var row = new LegacyProfile { Id = Guid.NewGuid(), Role = "Donor", VerificationStatus = "unrequested", IsBlocked = true, CreatedAt = DateTime.UtcNow };

        var mapped = ProfileImport.Map(row, batch);

        Assert.Equal(("donor", "none", true), (mapped.Role, mapped.RecipientStatus, mapped.Blocked));
        Assert.Empty(batch.Issues);
    }
}
