using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Http.Resilience;
using Platform.Contracts.Events;
using Platform.Data;
using Platform.Data.Copies;
using Platform.Data.Import;
using Platform.Eventing;
using Platform.Hosting.Hosting;
using RequestService.Copies;
using RequestService.Donations;
using RequestService.Erasure;
using RequestService.Import;
using RequestService.Ratings;
using RequestService.Requests;
using RequestService.Saga;
using RequestService.Stats;

namespace RequestService;

public static class RequestServiceSetup
{
    public const string Name = "request-service";

    /// <summary>request-service: requests and ratings in the <c>request</c> schema; the request side of the claim saga.</summary>
    public static PlatformApplication AddRequestService(this PlatformApplication app)
    {
        app.AddServiceDatabase("RequestDbConnection", schema: "request");
        app.AddLegacyImport(tables => tables.Add<RequestImport>().Add<RatingImport>());
        app.AddCopyTools(RequestCopyChecks.Exports, RequestCopyChecks.Checks);
        app.AddEventing(handlers => handlers
            .Handle<DonationClaimed, DonationClaimedHandler>()
            .Handle<DonationClaimRejected, DonationClaimRejectedHandler>()
            .Handle<DonationDeleted, DonationDeletedHandler>()
            .Handle<DonationExpired, DonationExpiredHandler>()
            .Handle<DonationCreated, DonationCopyHandler>()
            .Handle<DonationUpdated, DonationCopyHandler>()
            .Handle<DonationReviewed, DonationCopyHandler>()
            .Handle<DonationReleased, DonationCopyHandler>()
            .Handle<DonationCompleted, DonationCopyHandler>()
            .Handle<ProfileCreated, ProfileCopyHandler>()
            .Handle<ProfileUpdated, ProfileCopyHandler>()
            .Handle<ProfileVerificationDecided, ProfileCopyHandler>()
            .Handle<ProfileUnblocked, ProfileCopyHandler>()
            .Handle<ProfileBlocked, ProfileBlockedHandler>()
            .Handle<UserBlocked, UserBlockCopyHandler>()
            .Handle<UserUnblocked, UserBlockCopyHandler>()
            .Handle<ProfileErasureRequested, ProfileErasureRequestedHandler>());
        app.AddErasedAccounts();
        app.AddHttpApi(OpenApi.RequestApi.Description);
        app.Services.AddSingleton<IRequestStore, RequestStore>();
        app.Services.AddSingleton<RequestWorkflow>();
        app.Services.AddSingleton<RatingStore>();
        app.Services.AddSingleton<ILocalCopies, LocalCopies>();
        app.Services.AddSingleton<UserBlockCopies>();
        app.Services.AddSingleton<RequestStatsStore>();

        var baseUrl = app.Configuration["DonationServiceUrl"];
        app.Services.AddHttpClient<IDonationClient, DonationClient>(http =>
            {
                if (string.IsNullOrWhiteSpace(baseUrl) || !Uri.TryCreate(baseUrl.TrimEnd('/') + "/", UriKind.Absolute, out var uri))
                {
                    throw new InvalidOperationException("Set DonationServiceUrl to donation-service's base URL (e.g. http://127.0.0.1:7071).");
                }

                http.BaseAddress = uri;
            })
            .AddStandardResilienceHandler(options =>
            {
                options.AttemptTimeout.Timeout = TimeSpan.FromSeconds(2);
                options.TotalRequestTimeout.Timeout = TimeSpan.FromSeconds(6);
                options.Retry.MaxRetryAttempts = 2;
                options.Retry.Delay = TimeSpan.FromMilliseconds(200);
                options.Retry.UseJitter = true;
                options.CircuitBreaker.SamplingDuration = TimeSpan.FromSeconds(10);
                options.CircuitBreaker.MinimumThroughput = 10;
                options.CircuitBreaker.FailureRatio = 0.5;
                options.CircuitBreaker.BreakDuration = TimeSpan.FromSeconds(5);
            });
        return app;
    }
}
