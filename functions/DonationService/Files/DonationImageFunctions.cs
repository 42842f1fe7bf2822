using DonationService.Donations;
using DonationService.Profiles;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Logging;
using Platform.Blobs;
using Platform.Data;
using Platform.Hosting.Auth;
using Platform.Hosting.Http;

namespace DonationService.Files;

/// <summary>Attaching uploaded photos to a donation, reordering and detaching them (the steps are <see cref="OrderedFileRoutes{TParent}"/>'s).</summary>
public sealed class DonationImageFunctions(
    HttpCalls http, ServiceDatabase database, BlobStorage storage, IDonationStore donations, IProfileStore profiles,
    IDonationImageStore images, DonationViews views, ILogger<DonationImageFunctions> logger) : IFileParent<Donation>
{
    private static readonly OrderedFileRules Rules = new(DonationFiles.DonationImage, DonationFiles.MaxImagesPerDonation, "donation", "/api/donations/{id}/images");

    private OrderedFileRoutes<Donation> Routes => new(database, storage, images, this, Rules, logger);

    [Function(nameof(AttachDonationImage))]
    public async Task<IActionResult> AttachDonationImage(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "donations/{id}/images")] HttpRequest req, string id, CancellationToken ct)
    {
        var call = await http.BeginAsync<AttachImageBody>(req, ct, id);
        if (call.Problem is not null)
        {
            return call.Problem;
        }

        return await Routes.AttachAsync(call.User, call.Id, call.Input.ToId(), "blob_id", ct);
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

        return await Routes.ArrangeAsync(call.User, call.Id, call.Input.ToIds(), ct);
    }

    Task<Donation?> IFileParent<Donation>.FindAsync(Guid id, CancellationToken cancellationToken) => donations.FindAsync(id, cancellationToken);

    Task<Donation?> IFileParent<Donation>.LockAsync(UnitOfWork uow, Guid id, CancellationToken cancellationToken) => donations.LockAsync(uow, id, cancellationToken);

    async Task<Failure?> IFileParent<Donation>.CanEditFilesAsync(UnitOfWork? uow, Donation parent, Caller user, CancellationToken cancellationToken) =>
        DonationRules.CanUpdate(parent, user, uow is null
            ? await profiles.FindAsync(user.UserId, cancellationToken)
            : await profiles.LockAsync(uow, user.UserId, cancellationToken));

    async Task<object> IFileParent<Donation>.ViewAsync(Donation parent, Caller user, CancellationToken cancellationToken) =>
        await views.OneAsync(parent, cancellationToken, user);

    /// <summary>A new photo is new content the public has not seen: an available donation goes back to review (issue 18).</summary>
    async Task<Donation> IFileParent<Donation>.FileAttachedAsync(UnitOfWork uow, Donation parent, CancellationToken cancellationToken) =>
        parent.Status == DonationStatus.Available.ToText() ? await donations.ResubmitAsync(uow, parent.Id, publish: true, cancellationToken) : parent;
}
