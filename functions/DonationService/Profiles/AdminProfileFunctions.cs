using DonationService.Files;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Platform.Data;
using Platform.Hosting.Http;

namespace DonationService.Profiles;

/// <summary>Admins list profiles, decide verifications and block or unblock users.</summary>
public sealed class AdminProfileFunctions(HttpCalls http, ServiceDatabase database, IProfileStore profiles, ProfileViews views)
{
    [Function(nameof(ListProfiles))]
    public async Task<IActionResult> ListProfiles(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "admin/profiles")] HttpRequest req, CancellationToken ct)
    {
        var call = await http.BeginAsync<ProfileFilter>(req, ct);
        if (call.Problem is not null)
        {
            return call.Problem;
        }

        var rows = await profiles.ListAsync(call.Input, call.Page, ct);
        var result = rows.ToPage(call.Page.Limit, p => new Cursor(p.CreatedAt, p.Id));
        return new ApiResponse(StatusCodes.Status200OK, new Page<ProfileView>(await views.ManyAsync(result.Items, ct), result.NextCursor));
    }

    [Function(nameof(DecideVerification))]
    public async Task<IActionResult> DecideVerification(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "admin/profiles/{id}/verification")] HttpRequest req, string id, CancellationToken ct)
    {
        var call = await http.BeginAsync<VerificationDecisionBody>(req, ct, id);
        if (call.Problem is not null)
        {
            return call.Problem;
        }

        await using var uow = await database.BeginAsync(ct);
        var profile = await profiles.LockAsync(uow, call.Id, ct);
        if (profile is null)
        {
            return Problems.NotFound("No such profile.");
        }

        var next = ProfileRules.Decide(profile, call.Input.ToDecision());
        if (!next.IsSuccess)
        {
            return next.ToResponse();
        }

        var updated = await profiles.SetRecipientStatusAsync(uow, call.Id, next.Value, call.User.UserId, ct);
        await uow.CommitAsync(ct);
        return new ApiResponse(StatusCodes.Status200OK, await views.OneAsync(updated, ct));
    }

    [Function(nameof(BlockProfile))]
    public Task<IActionResult> BlockProfile(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "admin/profiles/{id}/block")] HttpRequest req, string id, CancellationToken ct) =>
        SetBlockedAsync(req, id, blocked: true, nameof(BlockProfile), ct);

    [Function(nameof(UnblockProfile))]
    public Task<IActionResult> UnblockProfile(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "admin/profiles/{id}/unblock")] HttpRequest req, string id, CancellationToken ct) =>
        SetBlockedAsync(req, id, blocked: false, nameof(UnblockProfile), ct);

    private async Task<IActionResult> SetBlockedAsync(HttpRequest req, string id, bool blocked, string function, CancellationToken ct)
    {
        var call = await http.BeginAsync(req, ct, id, function);
        if (call.Problem is not null)
        {
            return call.Problem;
        }

        await using var uow = await database.BeginAsync(ct);
        var profile = await profiles.LockAsync(uow, call.Id, ct);
        if (profile is null)
        {
            return Problems.NotFound("No such profile.");
        }

        if (ProfileRules.CanBlock(profile, blocked) is { } refused)
        {
            return refused.ToResponse();
        }

        var updated = await profiles.SetBlockedAsync(uow, call.Id, blocked, call.User.UserId, reason: null, ct);
        await uow.CommitAsync(ct);
        return new ApiResponse(StatusCodes.Status200OK, await views.OneAsync(updated, ct));
    }
}
