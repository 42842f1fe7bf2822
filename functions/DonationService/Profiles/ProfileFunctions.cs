using DonationService.Files;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Logging;
using Platform.Blobs;
using Platform.Data;
using Platform.Hosting.Http;

namespace DonationService.Profiles;

/// <summary>A user's own profile, and anyone's public view of one.</summary>
public sealed class ProfileFunctions(
    HttpCalls http, ServiceDatabase database, IProfileStore profiles, ProfileViews views, IVerificationDocumentStore documents, BlobStorage storage,
    ILogger<ProfileFunctions> logger)
{
    [Function(nameof(GetMyProfile))]
    public async Task<IActionResult> GetMyProfile(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "profiles/me")] HttpRequest req, CancellationToken ct)
    {
        var call = await http.BeginAsync(req, ct);
        if (call.Problem is not null)
        {
            return call.Problem;
        }

        await using var uow = await database.BeginAsync(ct);
        var (profile, _) = await profiles.EnsureAsync(uow, call.User, forUpdate: false, ct);
        await uow.CommitAsync(ct);
        return new ApiResponse(StatusCodes.Status200OK, await views.OneAsync(profile, ct));
    }

    [Function(nameof(UpdateMyProfile))]
    public async Task<IActionResult> UpdateMyProfile(
        [HttpTrigger(AuthorizationLevel.Anonymous, "put", Route = "profiles/me")] HttpRequest req, CancellationToken ct)
    {
        var call = await http.BeginAsync<UpdateProfileBody>(req, ct);
        if (call.Problem is not null)
        {
            return call.Problem;
        }

        await using var uow = await database.BeginAsync(ct);
        var (profile, _) = await profiles.EnsureAsync(uow, call.User, forUpdate: true, ct);
        if (profile.Blocked)
        {
            return Result.Forbidden("Your account is blocked.").ToResponse();
        }

        var updated = await profiles.UpdateAsync(uow, call.User.UserId, call.Input.ToChanges(), ct);
        await uow.CommitAsync(ct);
        return new ApiResponse(StatusCodes.Status200OK, await views.OneAsync(updated, ct));
    }

    [Function(nameof(RequestVerification))]
    public async Task<IActionResult> RequestVerification(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "profiles/me/verification")] HttpRequest req, CancellationToken ct)
    {
        var call = await http.BeginAsync<VerificationRequestBody>(req, ct);
        if (call.Problem is not null)
        {
            return call.Problem;
        }

        // Who may is decided before storage is asked, and again under the lock.
        if (await profiles.FindAsync(call.User.UserId, ct) is { } current && ProfileRules.CanRequestVerification(current) is { } early)
        {
            return early.ToResponse();
        }

        // Each document is checked (issued to this caller for verification_document, within 5 MiB, a
        // photo or a PDF by its first bytes) before anything is written; one bad file refuses the request.
        var kind = DonationFiles.VerificationDocument;
        var uploaded = new List<UploadedBlob>();
        foreach (var documentId in call.Input.ToIds())
        {
            var checkedBlob = await storage.CheckUploadAsync(kind, call.User.UserId, documentId, "document_ids", ct);
            if (!checkedBlob.IsSuccess)
            {
                return checkedBlob.ToResponse();
            }

            uploaded.Add(checkedBlob.Value!);
        }

        await using var uow = await database.BeginAsync(ct);
        var (profile, _) = await profiles.EnsureAsync(uow, call.User, forUpdate: true, ct);
        if (ProfileRules.CanRequestVerification(profile) is { } refused)
        {
            return refused.ToResponse();
        }

        var previous = await documents.ReplaceAsync(uow, call.User.UserId, uploaded, ct);
        var updated = await profiles.RequestVerificationAsync(uow, call.User.UserId, ct);
        await uow.CommitAsync(ct);
        foreach (var document in uploaded)
        {
            await storage.MarkAttachedAsync(kind, call.User.UserId, document.Id, ct);
        }

        // The documents of the earlier request are deleted once the new ones are committed; a failure
        // leaves an orphan blob (logged), never a request without its documents.
        foreach (var replaced in previous.Where(p => uploaded.All(u => u.Id != p.BlobId)))
        {
            try
            {
                await storage.DeleteAsync(kind, replaced.ProfileId, replaced.BlobId, ct);
            }
            catch (Exception ex) when (BlobSetup.IsTransient(ex))
            {
                logger.LogWarning(ex, "Replaced verification document {BlobId} of {ProfileId} could not be deleted", replaced.BlobId, replaced.ProfileId);
            }
        }

        return new ApiResponse(StatusCodes.Status200OK, await views.OneAsync(updated, ct));
    }

    [Function(nameof(GetProfile))]
    public async Task<IActionResult> GetProfile(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "profiles/{id}")] HttpRequest req, string id, CancellationToken ct)
    {
        var call = await http.BeginAsync(req, ct, id);
        if (call.Problem is not null)
        {
            return call.Problem;
        }

        var profile = await profiles.FindAsync(call.Id, ct);
        if (profile is null)
        {
            return Problems.NotFound("No such profile.");
        }

        var caller = call.Caller;
        var full = caller is not null && (caller.IsAdmin || caller.UserId == profile.Id);
        return new ApiResponse(StatusCodes.Status200OK, full ? await views.OneAsync(profile, ct) : PublicProfileView.From(profile));
    }
}
