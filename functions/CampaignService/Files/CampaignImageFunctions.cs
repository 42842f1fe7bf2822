using CampaignService.Campaigns;
using CampaignService.Profiles;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Logging;
using Platform.Blobs;
using Platform.Data;
using Platform.Hosting.Auth;
using Platform.Hosting.Http;

namespace CampaignService.Files;

/// <summary>Attaching uploaded images to a campaign, reordering and detaching them (the steps are <see cref="OrderedFileRoutes{TParent}"/>'s, as for donation photos).</summary>
public sealed class CampaignImageFunctions(
    HttpCalls http, ServiceDatabase database, BlobStorage storage, ICampaignStore campaigns, IProfileCopyStore profiles,
    ICampaignImageStore images, CampaignViews views, CampaignWorkflow workflow, ILogger<CampaignImageFunctions> logger) : IFileParent<Campaign>
{
    private static readonly OrderedFileRules Rules = new(CampaignFiles.CampaignImage, CampaignFiles.MaxImagesPerCampaign, "campaign", "/api/campaigns/{id}/images");

    private OrderedFileRoutes<Campaign> Routes => new(database, storage, images, this, Rules, logger);

    [Function(nameof(AttachCampaignImage))]
    public async Task<IActionResult> AttachCampaignImage(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "campaigns/{id}/images")] HttpRequest req, string id, CancellationToken ct)
    {
        var call = await http.BeginAsync<AttachImageBody>(req, ct, id);
        if (call.Problem is not null)
        {
            return call.Problem;
        }

        return await Routes.AttachAsync(call.User, call.Id, call.Input.ToId(), "blob_id", ct);
    }

    [Function(nameof(ArrangeCampaignImages))]
    public async Task<IActionResult> ArrangeCampaignImages(
        [HttpTrigger(AuthorizationLevel.Anonymous, "put", Route = "campaigns/{id}/images")] HttpRequest req, string id, CancellationToken ct)
    {
        var call = await http.BeginAsync<ArrangeImagesBody>(req, ct, id);
        if (call.Problem is not null)
        {
            return call.Problem;
        }

        return await Routes.ArrangeAsync(call.User, call.Id, call.Input.ToIds(), ct);
    }

    Task<Campaign?> IFileParent<Campaign>.FindAsync(Guid id, CancellationToken cancellationToken) => campaigns.FindAsync(id, cancellationToken);

    Task<Campaign?> IFileParent<Campaign>.LockAsync(UnitOfWork uow, Guid id, CancellationToken cancellationToken) => campaigns.LockAsync(uow, id, cancellationToken);

    async Task<Failure?> IFileParent<Campaign>.CanEditFilesAsync(UnitOfWork? uow, Campaign parent, Caller user, CancellationToken cancellationToken)
    {
        if (uow is not null)
        {
            return CampaignRules.CanEditImages(parent, user, await profiles.GetAsync(uow, user.UserId, cancellationToken));
        }

        await using var read = await database.BeginAsync(cancellationToken);
        return CampaignRules.CanEditImages(parent, user, await profiles.GetAsync(read, user.UserId, cancellationToken));
    }

    async Task<object> IFileParent<Campaign>.ViewAsync(Campaign parent, Caller user, CancellationToken cancellationToken) =>
        await views.OneAsync(parent, cancellationToken, user);

    /// <summary>A new image is content contributors have not seen: an approved campaign goes back to review (issue 18).</summary>
    Task<Campaign> IFileParent<Campaign>.FileAttachedAsync(UnitOfWork uow, Campaign parent, CancellationToken cancellationToken) =>
        workflow.ResubmitIfApprovedAsync(uow, parent, cancellationToken);
}
