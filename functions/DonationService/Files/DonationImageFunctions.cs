using System.Globalization;
using DonationService.Donations;
using DonationService.Profiles;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Logging;
using Platform.Blobs;
using Platform.Data;
using Platform.Hosting.Http;

namespace DonationService.Files;

/// <summary>Attaching uploaded photos to a donation, reordering and detaching them.</summary>
public sealed class DonationImageFunctions(
    HttpCalls http, ServiceDatabase database, BlobStorage storage, IDonationStore donations, IProfileStore profiles,
    IDonationImageStore images, DonationViews views, ILogger<DonationImageFunctions> logger)
{
    [Function(nameof(AttachDonationImage))]
    public async Task<IActionResult> AttachDonationImage(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "donations/{id}/images")] HttpRequest req, string id, CancellationToken ct)
    {
        var call = await http.BeginAsync<AttachImageBody>(req, ct, id);
        if (call.Problem is not null)
        {
            return call.Problem;
        }

        // Who may is decided before storage is asked (a stranger learns nothing about blobs), and again under the lock.
        var current = await donations.FindAsync(call.Id, ct);
        if (current is null)
        {
            return Problems.NotFound("No such donation.");
        }

        if (DonationRules.CanUpdate(current, call.User, await profiles.FindAsync(call.User.UserId, ct)) is { } early)
        {
            return early.ToResponse();
        }

        var kind = DonationFiles.DonationImage;
        var checkedBlob = await storage.CheckUploadAsync(kind, call.User.UserId, call.Input.ToId(), "blob_id", ct);
        if (!checkedBlob.IsSuccess)
        {
            return checkedBlob.ToResponse();
        }

        await using var uow = await database.BeginAsync(ct);
        var donation = await donations.LockAsync(uow, call.Id, ct);
        if (donation is null)
        {
            return Problems.NotFound("No such donation.");
        }

        if (DonationRules.CanUpdate(donation, call.User, await profiles.LockAsync(uow, call.User.UserId, ct)) is { } refused)
        {
            return refused.ToResponse();
        }

        var attached = await images.ForDonationAsync(uow, donation.Id, ct);
        if (attached.Count >= DonationFiles.MaxImagesPerDonation)
        {
            return Problems.Conflict(string.Create(CultureInfo.InvariantCulture,
                $"A donation has at most {DonationFiles.MaxImagesPerDonation} images; detach one first (PUT /api/donations/{{id}}/images)."));
        }

        if (!await images.AppendAsync(uow, donation.Id, call.User.UserId, checkedBlob.Value!, attached.Count, ct))
        {
            return Problems.Conflict("This file is already attached; upload it again to use it twice.");
        }

        // A new photo is new content the public has not seen: an available donation goes back to review (issue 18).
        if (donation.Status == DonationStatus.Available.ToText())
        {
            donation = await donations.ResubmitAsync(uow, donation.Id, publish: true, ct);
        }

        await uow.CommitAsync(ct);
        await storage.MarkAttachedAsync(kind, call.User.UserId, checkedBlob.Value!.Id, ct);
        return new ApiResponse(StatusCodes.Status200OK, await views.OneAsync(donation, ct, call.User));
    }

    [Function(nameof(ArrangeDonationImages))]
    public async Task<IActionResult> ArrangeDonationImages(
        [HttpTrigger(AuthorizationLevel.Anonymous, "put", Route = "donations/{id}/images")] HttpRequest req, string id, CancellationToken ct)
    {
        var call = await http.BeginAsync<ArrangeImagesBody>(req, ct, id);
        if (call.Problem is not null)
        {
            return call.Problem;
        }

        var keep = call.Input.ToIds();
        await using var uow = await database.BeginAsync(ct);
        var donation = await donations.LockAsync(uow, call.Id, ct);
        if (donation is null)
        {
            return Problems.NotFound("No such donation.");
        }

        if (DonationRules.CanUpdate(donation, call.User, await profiles.LockAsync(uow, call.User.UserId, ct)) is { } refused)
        {
            return refused.ToResponse();
        }

        var attached = await images.ForDonationAsync(uow, donation.Id, ct);
        var unknown = keep.Select((imageId, i) => (imageId, i)).Where(k => attached.All(a => a.BlobId != k.imageId)).ToList();
        if (unknown.Count > 0)
        {
            return Problems.Validation("image_ids", string.Create(CultureInfo.InvariantCulture,
                $"item {unknown[0].i} is not an image of this donation (attach it first with POST /api/donations/{{id}}/images)"));
        }

        await images.ArrangeAsync(uow, donation.Id, keep, ct);
        await uow.CommitAsync(ct);

        // Detached images are deleted once the change is committed; a failure leaves an orphan blob, never a broken image.
        foreach (var removed in attached.Where(a => !keep.Contains(a.BlobId)))
        {
            try
            {
                await storage.DeleteAsync(DonationFiles.DonationImage, removed.OwnerId, removed.BlobId, ct);
            }
            catch (Exception ex) when (BlobSetup.IsTransient(ex))
            {
                logger.LogWarning(ex, "Detached image {BlobId} of donation {DonationId} could not be deleted", removed.BlobId, donation.Id);
            }
        }

        return new ApiResponse(StatusCodes.Status200OK, await views.OneAsync(donation, ct, call.User));
    }
}
