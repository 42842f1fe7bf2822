using DonationService.Donations;
using DonationService.Profiles;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Platform.Blobs;
using Platform.Hosting.Http;

namespace DonationService.Files;

/// <summary>Upload slots of donation-service's kinds (donation_image, verification_document): the frontend PUTs a file straight to blob storage, then attaches it by its blob id.</summary>
public sealed class UploadFunctions(HttpCalls http, BlobStorage storage, IProfileStore profiles)
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

        var kind = call.Input.ToKind();
        var profile = await profiles.FindAsync(call.User.UserId, ct);
        var refused = kind switch
        {
            DonationUploadKind.DonationImage => DonationRules.CanCreate(call.User, profile),
            DonationUploadKind.VerificationDocument => ProfileRules.CanUploadVerificationDocument(call.User, profile),
            _ => null,
        };
        if (refused is not null)
        {
            return refused.Value.ToResponse();
        }

        return await storage.IssueUploadResponseAsync(DonationFiles.KindOf(kind), call.User.UserId, ct);
    }
}
