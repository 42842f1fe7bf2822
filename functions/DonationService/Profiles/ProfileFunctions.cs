using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Platform.Data;
using Platform.Hosting.Auth;
using Platform.Hosting.Http;

namespace DonationService.Profiles;

/// <summary>A user's own profile, and anyone's public view of one.</summary>
public sealed class ProfileFunctions(IAuthenticator auth, ServiceDatabase database, IProfileStore profiles)
{
    [Function(nameof(GetMyProfile))]
    public async Task<IActionResult> GetMyProfile(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "profiles/me")] HttpRequest req, CancellationToken ct)
    {
        var authResult = await auth.RequireUserAsync(req, ct);
        if (authResult.Caller is not { } caller)
        {
            return authResult.Problem!;
        }

        await using var uow = await database.BeginAsync(ct);
        var (profile, _) = await profiles.EnsureAsync(uow, caller, forUpdate: false, ct);
        await uow.CommitAsync(ct);
        return new ApiResponse(StatusCodes.Status200OK, ProfileView.From(profile));
    }

    [Function(nameof(UpdateMyProfile))]
    public async Task<IActionResult> UpdateMyProfile(
        [HttpTrigger(AuthorizationLevel.Anonymous, "put", Route = "profiles/me")] HttpRequest req, CancellationToken ct)
    {
        var authResult = await auth.RequireUserAsync(req, ct);
        if (authResult.Caller is not { } caller)
        {
            return authResult.Problem!;
        }

        var body = await JsonBody.ReadAsync<UpdateProfileBody>(req, ct);
        if (!body.IsValid)
        {
            return body.Problem!;
        }

        var changes = ProfileRules.ValidateUpdate(body.Value!, caller);
        if (!changes.IsSuccess)
        {
            return changes.ToResponse();
        }

        await using var uow = await database.BeginAsync(ct);
        var (profile, _) = await profiles.EnsureAsync(uow, caller, forUpdate: true, ct);
        if (profile.Blocked)
        {
            return Result.Forbidden("Your account is blocked.").ToResponse();
        }

        var updated = await profiles.UpdateAsync(uow, caller.UserId, changes.Value!, ct);
        await uow.CommitAsync(ct);
        return new ApiResponse(StatusCodes.Status200OK, ProfileView.From(updated));
    }

    [Function(nameof(RequestVerification))]
    public async Task<IActionResult> RequestVerification(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "profiles/me/verification")] HttpRequest req, CancellationToken ct)
    {
        var authResult = await auth.RequireUserAsync(req, ct);
        if (authResult.Caller is not { } caller)
        {
            return authResult.Problem!;
        }

        var body = await JsonBody.ReadAsync<VerificationRequestBody>(req, ct);
        if (!body.IsValid)
        {
            return body.Problem!;
        }

        var validation = new Validation();
        var imageUrl = validation.Url("verification_image_url", body.Value!.VerificationImageUrl, required: true);
        if (!validation.IsValid)
        {
            return validation.ToProblem();
        }

        await using var uow = await database.BeginAsync(ct);
        var (profile, _) = await profiles.EnsureAsync(uow, caller, forUpdate: true, ct);
        if (ProfileRules.CanRequestVerification(profile) is { } refused)
        {
            return refused.ToResponse();
        }

        var updated = await profiles.RequestVerificationAsync(uow, caller.UserId, imageUrl!, ct);
        await uow.CommitAsync(ct);
        return new ApiResponse(StatusCodes.Status200OK, ProfileView.From(updated));
    }

    [Function(nameof(GetProfile))]
    public async Task<IActionResult> GetProfile(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "profiles/{id}")] HttpRequest req, string id, CancellationToken ct)
    {
        var authResult = await auth.AuthenticateAsync(req, ct);
        if (authResult.Problem is not null)
        {
            return authResult.Problem;
        }

        if (!Ids.TryParse(id, out var profileId))
        {
            return Problems.Validation("id", "must be a UUID");
        }

        var profile = await profiles.FindAsync(profileId, ct);
        if (profile is null)
        {
            return Problems.NotFound("No such profile.");
        }

        var caller = authResult.Caller;
        var full = caller is not null && (caller.IsAdmin || caller.UserId == profile.Id);
        return new ApiResponse(StatusCodes.Status200OK, full ? ProfileView.From(profile) : PublicProfileView.From(profile));
    }
}
