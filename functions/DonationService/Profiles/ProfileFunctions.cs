using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Platform.Data;
using Platform.Hosting.Http;

namespace DonationService.Profiles;

/// <summary>A user's own profile, and anyone's public view of one.</summary>
public sealed class ProfileFunctions(HttpCalls http, ServiceDatabase database, IProfileStore profiles)
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
        return new ApiResponse(StatusCodes.Status200OK, ProfileView.From(profile));
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
        return new ApiResponse(StatusCodes.Status200OK, ProfileView.From(updated));
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

        await using var uow = await database.BeginAsync(ct);
        var (profile, _) = await profiles.EnsureAsync(uow, call.User, forUpdate: true, ct);
        if (ProfileRules.CanRequestVerification(profile) is { } refused)
        {
            return refused.ToResponse();
        }

        var updated = await profiles.RequestVerificationAsync(uow, call.User.UserId, call.Input.VerificationImageUrl!, ct);
        await uow.CommitAsync(ct);
        return new ApiResponse(StatusCodes.Status200OK, ProfileView.From(updated));
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
        return new ApiResponse(StatusCodes.Status200OK, full ? ProfileView.From(profile) : PublicProfileView.From(profile));
    }
}
