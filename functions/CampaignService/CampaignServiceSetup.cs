using CampaignService.Campaigns;
using CampaignService.Contributions;
using CampaignService.Copies;
using CampaignService.Erasure;
using CampaignService.Files;
using CampaignService.Import;
using CampaignService.Moderation;
using CampaignService.Payments;
using CampaignService.Profiles;
using CampaignService.Stats;
using Microsoft.Extensions.DependencyInjection;
using Platform.Blobs;
using Platform.Contracts.Events;
using Platform.Data;
using Platform.Data.Copies;
using Platform.Data.Import;
using Platform.Eventing;
using Platform.Hosting.Hosting;

namespace CampaignService;

public static class CampaignServiceSetup
{
    public const string Name = "campaign-service";

    /// <summary>campaign-service: campaigns, contributions and the profile copy in the <c>campaign</c> schema of its own database.</summary>
    public static PlatformApplication AddCampaignService(this PlatformApplication app)
    {
        app.AddServiceDatabase("CampaignDbConnection", schema: "campaign");
        app.AddLegacyImport(
            tables => tables.Require<LegacyCampaignImportCheck>().Add<CampaignImport>().Add<ContributionImport>(),
            LegacyCampaignSettings.ConnectionSetting);
        app.AddCopyTools(CampaignCopies.Exports, checks:
        [
            new CopyCheck("campaign.profile_copies", "profiles",
                "select user_id, jsonb_build_object('role', role, 'recipient_status', recipient_status, 'blocked', blocked) from campaign.profile_copies",
                ["role", "recipient_status", "blocked"]),
        ]);
        if (app.Mode == HostingMode.ImportLegacy)
        {
            app.Services.AddSingleton<LegacyCampaignSettings>();
        }

        if (app.Mode == HostingMode.Tool)
        {
            app.Services.AddSingleton<IPlatformTool, CampaignRepublishTool>();
        }

        app.AddEventing(handlers => handlers
            .Handle<ProfileCreated, ProfileCopyHandler>()
            .Handle<ProfileUpdated, ProfileCopyHandler>()
            .Handle<ProfileVerificationDecided, ProfileCopyHandler>()
            .Handle<ProfileUnblocked, ProfileCopyHandler>()
            .Handle<ProfileBlocked, ProfileBlockedHandler>()
            .Handle<ReportResolved, ReportResolvedHandler>()
            .Handle<CampaignDeleted, CampaignDeletedHandler>()
            .Handle<ProfileErasureRequested, ProfileErasureRequestedHandler>());
        app.AddErasedAccounts();
        app.AddHttpApi(OpenApi.CampaignApi.Description);
        app.AddBlobStorage<CampaignImageStore>(CampaignFiles.CampaignImage);
        app.Services.AddSingleton<ICampaignImageStore>(sp => (CampaignImageStore)sp.GetRequiredService<IBlobAttachments>());
        app.Services.AddSingleton<CampaignViews>();
        app.Services.AddSingleton<CampaignStatsStore>();
        app.Services.AddSingleton<IProfileCopyStore, ProfileCopyStore>();
        app.Services.AddSingleton<ICampaignStore, CampaignStore>();
        app.Services.AddSingleton<IContributionStore, ContributionStore>();
        app.Services.AddSingleton<CampaignWorkflow>();
        app.Services.AddSingleton<Updates.CampaignUpdates>();
        app.Services.AddSingleton(new ContributionGate());
        app.AddPayments();
        app.AddTextSearch("campaign.campaigns");
        var deadlines = app.Configuration.GetSection("CampaignDeadlines");
        app.Services.AddSingleton(new CampaignDeadlineOptions(BatchSweeper.IntervalFrom(deadlines["IntervalSeconds"], 30)));
        if (!app.Mode.IsCommand())
        {
            app.Services.AddHostedService<CampaignDeadlineSweeper>();
        }

        return app;
    }
}
