using System.Globalization;
using CampaignService.Campaigns;
using CampaignService.Profiles;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Logging;
using Platform.Blobs;
using Platform.Data;
using Platform.Hosting.Http;

namespace CampaignService.Files;

/// <summary>Attaching uploaded images to a campaign, reordering and detaching them (the same steps as donation photos).</summary>
public sealed class CampaignImageFunctions(
    HttpCalls http, ServiceDatabase database, BlobStorage storage, ICampaignStore campaigns, IProfileCopyStore profiles,
    ICampaignImageStore images, CampaignViews views, CampaignWorkflow workflow, ILogger<CampaignImageFunctions> logger)
{
    [Function(nameof(AttachCampaignImage))]
    public async Task<IActionResult> AttachCampaignImage(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "campaigns/{id}/images")] HttpRequest req, string id, CancellationToken ct)
    {
        var call = await http.BeginAsync<AttachImageBody>(req, ct, id);
        if (call.Problem is not null)
        {
            return call.Problem;
        }

        // Who may is decided before storage is asked (a stranger learns nothing about blobs), and again under the lock.
        var current = await campaigns.FindAsync(call.Id, ct);
        if (current is null)
        {
            return Problems.NotFound("No such campaign.");
        }

        ProfileCopy? profile;
        await using (var read = await database.BeginAsync(ct))
        {
            profile = await profiles.GetAsync(read, call.User.UserId, ct);
        }

        if (CampaignRules.CanEditImages(current, call.User, profile) is { } early)
        {
            return early.ToResponse();
        }

        var kind = CampaignFiles.CampaignImage;
        var checkedBlob = await storage.CheckUploadAsync(kind, call.User.UserId, call.Input.ToId(), "blob_id", ct);
        if (!checkedBlob.IsSuccess)
        {
            return checkedBlob.ToResponse();
        }

        await using var uow = await database.BeginAsync(ct);
        var campaign = await campaigns.LockAsync(uow, call.Id, ct);
        if (campaign is null)
        {
            return Problems.NotFound("No such campaign.");
        }

        if (CampaignRules.CanEditImages(campaign, call.User, await profiles.GetAsync(uow, call.User.UserId, ct)) is { } refused)
        {
            return refused.ToResponse();
        }

        var attached = await images.ForCampaignAsync(uow, campaign.Id, ct);
        if (attached.Count >= CampaignFiles.MaxImagesPerCampaign)
        {
            return Problems.Conflict(string.Create(CultureInfo.InvariantCulture,
                $"A campaign has at most {CampaignFiles.MaxImagesPerCampaign} images; detach one first (PUT /api/campaigns/{{id}}/images)."));
        }

        if (!await images.AppendAsync(uow, campaign.Id, call.User.UserId, checkedBlob.Value!, attached.Count, ct))
        {
            return Problems.Conflict("This file is already attached; upload it again to use it twice.");
        }

        // A new image is content contributors have not seen: an approved campaign goes back to review (issue 18).
        campaign = await workflow.ResubmitIfApprovedAsync(uow, campaign, ct);
        await uow.CommitAsync(ct);
        await storage.MarkAttachedAsync(kind, call.User.UserId, checkedBlob.Value!.Id, ct);
        return new ApiResponse(StatusCodes.Status200OK, await views.OneAsync(campaign, ct));
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

        var keep = call.Input.ToIds();
        await using var uow = await database.BeginAsync(ct);
        var campaign = await campaigns.LockAsync(uow, call.Id, ct);
        if (campaign is null)
        {
            return Problems.NotFound("No such campaign.");
        }

        if (CampaignRules.CanEditImages(campaign, call.User, await profiles.GetAsync(uow, call.User.UserId, ct)) is { } refused)
        {
            return refused.ToResponse();
        }

        var attached = await images.ForCampaignAsync(uow, campaign.Id, ct);
        var unknown = keep.Select((imageId, i) => (imageId, i)).Where(k => attached.All(a => a.BlobId != k.imageId)).ToList();
        if (unknown.Count > 0)
        {
            return Problems.Validation("image_ids", string.Create(CultureInfo.InvariantCulture,
                $"item {unknown[0].i} is not an image of this campaign (attach it first with POST /api/campaigns/{{id}}/images)"));
        }

        await images.ArrangeAsync(uow, campaign.Id, keep, ct);
        await uow.CommitAsync(ct);

        // Detached images are deleted once the change is committed; a failure leaves an orphan blob, never a broken image.
        foreach (var removed in attached.Where(a => !keep.Contains(a.BlobId)))
        {
            try
            {
                await storage.DeleteAsync(CampaignFiles.CampaignImage, removed.OwnerId, removed.BlobId, ct);
            }
            catch (Exception ex) when (BlobSetup.IsTransient(ex))
            {
                logger.LogWarning(ex, "Detached image {BlobId} of campaign {CampaignId} could not be deleted", removed.BlobId, campaign.Id);
            }
        }

        return new ApiResponse(StatusCodes.Status200OK, await views.OneAsync(campaign, ct));
    }
}
