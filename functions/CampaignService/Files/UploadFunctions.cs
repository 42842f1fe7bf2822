using CampaignService.Campaigns;
using CampaignService.Profiles;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Platform.Blobs;
using Platform.Data;
using Platform.Hosting.Http;

namespace CampaignService.Files;

/// <summary>Upload slots of campaign-service's kind (campaign_image): the frontend PUTs a file straight to blob storage, then attaches it by its blob id.</summary>
public sealed class UploadFunctions(HttpCalls http, ServiceDatabase database, BlobStorage storage, IProfileCopyStore profiles)
{
    [Function(nameof(CreateUpload))]
    public async Task<IActionResult> CreateUpload(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "uploads")] HttpRequest req, CancellationToken ct)
    {
        var call = await http.BeginAsync<UploadBody>(req, ct);
        if (call.Problem is not null)
        {
            return call.Problem;
        }

        ProfileCopy? profile;
        await using (var uow = await database.BeginAsync(ct))
        {
            profile = await profiles.GetAsync(uow, call.User.UserId, ct);
        }

        // Who may run a campaign may upload its images: a verified recipient who is not blocked.
        if (CampaignRules.CanCreate(profile) is { } refused)
        {
            return refused.ToResponse();
        }

        return await storage.IssueUploadResponseAsync(CampaignFiles.KindOf(call.Input.ToKind()), call.User.UserId, ct);
    }
}
