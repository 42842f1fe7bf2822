using Platform.Testing;

namespace CampaignService.Tests.Contract;

/// <summary>The functions of CampaignService (API.md), as the Functions host and standalone mode both serve them.</summary>
public sealed class FunctionsMetadataTests() : FunctionsMetadataContract(
        "CampaignService",
        typeof(CampaignServiceSetup).Assembly,
        [
            ("ListCampaigns", "campaigns", "GET"),
            ("GetCampaign", "campaigns/{id}", "GET"),
            ("GetCampaignStats", "admin/stats", "GET"),
            ("CreateCampaign", "campaigns", "POST"),
            ("UpdateCampaign", "campaigns/{id}", "PUT"),
            ("DeleteCampaign", "campaigns/{id}", "DELETE"),
            ("PauseCampaign", "campaigns/{id}/pause", "POST"),
            ("ResumeCampaign", "campaigns/{id}/resume", "POST"),
            ("ReviewCampaign", "admin/campaigns/{id}/review", "POST"),
            ("Contribute", "campaigns/{id}/contributions", "POST"),
            ("ListContributions", "campaigns/{id}/contributions", "GET"),
            ("ListOwnContributions", "me/contributions", "GET"),
            ("GetContribution", "contributions/{id}", "GET"),
            ("StripeWebhook", "payments/stripe/webhook", "POST"),
            ("PostCampaignUpdate", "campaigns/{id}/updates", "POST"),
            ("ListCampaignUpdates", "campaigns/{id}/updates", "GET"),
            ("Health", "health", "GET"),
            ("HealthLive", "health/live", "GET"),
            ("OpenApiDocument", "openapi.json", "GET"),
            ("CreateUpload", "uploads", "POST"),
            ("AttachCampaignImage", "campaigns/{id}/images", "POST"),
            ("ArrangeCampaignImages", "campaigns/{id}/images", "PUT"),
        ])
{
    [Fact]
    public void Migrations_for_the_campaign_schema_are_embedded_in_order()
    {
        var names = typeof(CampaignServiceSetup).Assembly.GetManifestResourceNames().Where(n => n.EndsWith(".sql", StringComparison.Ordinal)).Order(StringComparer.Ordinal).ToList();

        Assert.Equal(
            ["CampaignService.Migrations.0001_profile_copy.sql", "CampaignService.Migrations.0002_campaigns.sql", "CampaignService.Migrations.0003_contributions.sql", "CampaignService.Migrations.0004_public_columns.sql",
             "CampaignService.Migrations.0005_payments.sql",
             "CampaignService.Migrations.0006_campaign_currency.sql", "CampaignService.Migrations.0007_campaign_images.sql",
             "CampaignService.Migrations.0008_search_and_deadlines.sql",
             "CampaignService.Migrations.0009_rereview.sql",
             "CampaignService.Migrations.0010_realtime.sql",
             "CampaignService.Migrations.0011_private_pause_reason.sql",
             "CampaignService.Migrations.0012_campaign_updates.sql",
             "CampaignService.Migrations.0013_erasure.sql"],
            names);
    }
}
