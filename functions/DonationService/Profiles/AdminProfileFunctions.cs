using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Platform.Data;
using Platform.Hosting.Auth;
using Platform.Hosting.Http;

namespace DonationService.Profiles;

/// <summary>Admins list profiles, decide verifications and block or unblock users.</summary>
public sealed class AdminProfileFunctions(IAuthenticator auth, ServiceDatabase database, IProfileStore profiles)
{
    [Function(nameof(ListProfiles))]
    public async Task<IActionResult> ListProfiles(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "admin/profiles")] HttpRequest req, CancellationToken ct)
    {
        if ((await auth.RequireAdminAsync(req, ct)).Problem is { } denied)
        {
            return denied;
        }

        var validation = new Validation();
        var query = new QueryReader(req, validation);
        var filter = new ProfileFilter(query.OneOf<RecipientStatus>("recipient_status"), query.Flag("blocked"), query.OneOf<ProfileRole>("role"));
        var page = query.Page();
        if (!validation.IsValid)
        {
            return validation.ToProblem();
        }

        var rows = await profiles.ListAsync(filter, page, ct);
        var result = rows.ToPage(page.Limit, p => new Cursor(p.CreatedAt, p.Id));
        return new ApiResponse(StatusCodes.Status200OK, new Page<ProfileView>(result.Items.Select(ProfileView.From).ToList(), result.NextCursor));
    }

    [Function(nameof(DecideVerification))]
    public async Task<IActionResult> DecideVerification(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "admin/profiles/{id}/verification")] HttpRequest req, string id, CancellationToken ct)
    {
        var authResult = await auth.RequireAdminAsync(req, ct);
        if (authResult.Caller is not { } admin)
        {
            return authResult.Problem!;
        }

        if (!Ids.TryParse(id, out var profileId))
        {
            return Problems.Validation("id", "must be a UUID");
        }

        var body = await JsonBody.ReadAsync<VerificationDecisionBody>(req, ct);
        if (!body.IsValid)
        {
            return body.Problem!;
        }

        var validation = new Validation();
        var decision = validation.OneOf<VerificationDecision>("decision", body.Value!.Decision, required: true);
        if (!validation.IsValid)
        {
            return validation.ToProblem();
        }

        await using var uow = await database.BeginAsync(ct);
        var profile = await profiles.LockAsync(uow, profileId, ct);
        if (profile is null)
        {
            return Problems.NotFound("No such profile.");
        }

        var next = ProfileRules.Decide(profile, decision!.Value);
        if (!next.IsSuccess)
        {
            return next.ToResponse();
        }

        var updated = await profiles.SetRecipientStatusAsync(uow, profileId, next.Value, admin.UserId, ct);
        await uow.CommitAsync(ct);
        return new ApiResponse(StatusCodes.Status200OK, ProfileView.From(updated));
    }

    [Function(nameof(BlockProfile))]
    public Task<IActionResult> BlockProfile(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "admin/profiles/{id}/block")] HttpRequest req, string id, CancellationToken ct) =>
        SetBlockedAsync(req, id, blocked: true, ct);

    [Function(nameof(UnblockProfile))]
    public Task<IActionResult> UnblockProfile(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "admin/profiles/{id}/unblock")] HttpRequest req, string id, CancellationToken ct) =>
        SetBlockedAsync(req, id, blocked: false, ct);

    private async Task<IActionResult> SetBlockedAsync(HttpRequest req, string id, bool blocked, CancellationToken ct)
    {
        var authResult = await auth.RequireAdminAsync(req, ct);
        if (authResult.Caller is not { } admin)
        {
            return authResult.Problem!;
        }

        if (!Ids.TryParse(id, out var profileId))
        {
            return Problems.Validation("id", "must be a UUID");
        }

        await using var uow = await database.BeginAsync(ct);
        var profile = await profiles.LockAsync(uow, profileId, ct);
        if (profile is null)
        {
            return Problems.NotFound("No such profile.");
        }

        if (ProfileRules.CanBlock(profile, blocked) is { } refused)
        {
            return refused.ToResponse();
        }

        var updated = await profiles.SetBlockedAsync(uow, profileId, blocked, admin.UserId, reason: null, ct);
        await uow.CommitAsync(ct);
        return new ApiResponse(StatusCodes.Status200OK, ProfileView.From(updated));
    }
}
