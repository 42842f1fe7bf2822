using DonationService.Claims;
using DonationService.Contacts;
using DonationService.Copies;
using DonationService.Donations;
using DonationService.Erasure;
using DonationService.Files;
using DonationService.Import;
using DonationService.Moderation;
using DonationService.Profiles;
using DonationService.Stats;
using Microsoft.Extensions.DependencyInjection;
using Platform.Blobs;
using Platform.Contracts.Events;
using Platform.Data;
using Platform.Data.Copies;
using Platform.Data.Import;
using Platform.Eventing;
using Platform.Hosting.Hosting;

namespace DonationService;

public static class DonationServiceSetup
{
    public const string Name = "donation-service";

    /// <summary>donation-service: profiles and donations in the <c>donation</c> schema of the main database.</summary>
    public static PlatformApplication AddDonationService(this PlatformApplication app)
    {
        app.AddServiceDatabase("DonationDbConnection", schema: "donation");
        app.AddLegacyImport(tables => tables.Add<ProfileImport>().Add<DonationImport>());
        app.AddCopyTools(DonationCopies.Exports, DonationCopies.Checks);
        if (app.Mode == HostingMode.Tool)
        {
            app.Services.AddSingleton<IPlatformTool, RepublishTool>();
        }

        app.AddEventing(handlers => handlers
            .Handle<RequestApproved, RequestApprovedHandler>()
            .Handle<RequestRejected, RequestRejectedHandler>()
            .Handle<RequestCancelled, RequestCancelledHandler>()
            .Handle<RequestCompleted, RequestCompletedHandler>()
            .Handle<RatingSubmitted, RatingSubmittedHandler>()
            .Handle<RatingChanged, RatingChangedHandler>()
            .Handle<ReportResolved, ReportResolvedHandler>()
            .Handle<DonationDeleted, DonationDeletedHandler>()
            .Handle<ProfileErasureRequested, ErasureRequestedHandler>()
            .Handle<RequestUserErased, ErasureAnswerHandler>()
            .Handle<CampaignUserErased, ErasureAnswerHandler>()
            .Handle<MessageUserErased, ErasureAnswerHandler>());
        app.AddErasedAccounts();
        app.AddHttpApi(OpenApi.DonationApi.Description);
        app.AddBlobStorage<DonationAttachments>(DonationFiles.DonationImage, DonationFiles.VerificationDocument);
        app.Services.AddSingleton<DonationImageStore>();
        app.Services.AddSingleton<IDonationImageStore>(sp => sp.GetRequiredService<DonationImageStore>());
        app.Services.AddSingleton<VerificationDocumentStore>();
        app.Services.AddSingleton<IVerificationDocumentStore>(sp => sp.GetRequiredService<VerificationDocumentStore>());
        app.Services.AddSingleton<DonationViews>();
        app.Services.AddSingleton<ProfileViews>();
        app.Services.AddSingleton<ClaimStore>();
        app.Services.AddSingleton<ContactStore>();
        app.Services.AddSingleton<DonationStatsStore>();
        app.Services.AddSingleton<IProfileStore, ProfileStore>();
        app.Services.AddSingleton<IDonationStore, DonationStore>();
        app.Services.AddSingleton<ErasureStore>();
        var expiry = app.Configuration.GetSection("DonationExpiry");
        app.Services.AddSingleton(new DonationExpiryOptions(BatchSweeper.IntervalFrom(expiry["IntervalSeconds"], 30)));
        app.AddTextSearch("donation.donations");
        if (!app.Mode.IsCommand())
        {
            app.Services.AddHostedService<DonationExpirySweeper>();
        }
        return app;
    }
}
