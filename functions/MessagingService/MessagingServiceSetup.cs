using MessagingService.Erasure;
using MessagingService.Files;
using MessagingService.Import;
using MessagingService.Messages;
using MessagingService.Notifications;
using MessagingService.Reports;
using MessagingService.Stats;
using Microsoft.Extensions.DependencyInjection;
using Platform.Blobs;
using Platform.Contracts.Events;
using Platform.Data;
using Platform.Data.Copies;
using Platform.Data.Import;
using Platform.Eventing;
using Platform.Hosting.Hosting;

namespace MessagingService;

public static class MessagingServiceSetup
{
    public const string Name = "messaging-service";

    /// <summary>messaging-service: messages, reports and notifications in the <c>messaging</c> schema of the main database.</summary>
    public static PlatformApplication AddMessagingService(this PlatformApplication app)
    {
        app.AddServiceDatabase("MessagingDbConnection", schema: "messaging");
        app.AddLegacyImport(tables => tables.Add<MessageImport>().Add<ReportImport>());
        app.AddCopyTools(checks:
        [
            // A user with no row here was never blocked: the copy holds only users some event named.
            new CopyCheck("messaging.blocked_users", "profiles",
                "select user_id, jsonb_build_object('blocked', blocked) from messaging.blocked_users", ["blocked"], CopyDefault: """{"blocked":false}"""),
            // Owners of donations, kept only for the donations some event or report named.
            new CopyCheck("messaging.target_owners (donations)", "donations",
                "select target_id, jsonb_build_object('donor_id', owner_id) from messaging.target_owners where target_type = 'donation'",
                ["donor_id"], CopyMayLack: true),
            // Owners of campaigns, likewise (campaign-service's republish names every campaign).
            new CopyCheck("messaging.target_owners (campaigns)", "campaigns",
                "select target_id, jsonb_build_object('recipient_id', owner_id) from messaging.target_owners where target_type = 'campaign'",
                ["recipient_id"], CopyMayLack: true),
        ]);
        app.AddEventing(handlers => handlers
            .Handle<ProfileCreated, ProfileSnapshotHandler>()
            .Handle<ProfileUpdated, ProfileSnapshotHandler>()
            .Handle<ProfileBlocked, ProfileBlockedHandler>()
            .Handle<ProfileUnblocked, ProfileUnblockedHandler>()
            .Notify<ProfileVerificationDecided>()
            .Notify<DonationReviewed>()
            .Notify<DonationReleased>()
            .Notify<DonationCompleted>()
            .Notify<DonationExpired>()
            .Notify<RequestCreated>()
            .Notify<RequestRejected>()
            .Notify<RequestCancelled>()
            .Notify<RequestCompleted>()
            .Notify<CampaignCreated>()
            .Notify<CampaignUpdated>()
            .Notify<CampaignReviewed>()
            .Notify<CampaignStatusChanged>()
            .Notify<CampaignContributed>()
            .Notify<CampaignCompleted>()
            .Notify<CampaignRepublished>()
            .Notify<CampaignEnded>()
            .Notify<CampaignContributionRefunded>()
            .Notify<CampaignUpdatePosted>()
            .Handle<MessageRemoved, MessageRemovedHandler>()
            .Handle<ProfileErasureRequested, ProfileErasureRequestedHandler>());
        app.AddErasedAccounts();
        app.AddHttpApi(OpenApi.MessagingApi.Description);
        app.AddBlobStorage<MessageAttachmentStore>(MessagingFiles.MessageAttachment);
        app.Services.AddSingleton<IMessageAttachmentStore>(sp => (MessageAttachmentStore)sp.GetRequiredService<IBlobAttachments>());
        app.Services.AddSingleton<MessageViews>();
        app.Services.AddSingleton<IMessageStore, MessageStore>();
        app.Services.AddSingleton<IReportStore, ReportStore>();
        app.Services.AddSingleton<INotificationStore, NotificationStore>();
        app.Services.AddSingleton<BlockedUsers>();
        app.Services.AddSingleton<UserBlocks>();
        app.Services.AddSingleton<MessagingStatsStore>();
        app.Services.AddSingleton<ITargetOwners, TargetOwners>();
        return app;
    }
}
