using DonationService.Profiles;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Platform.Data;
using Platform.Hosting.Http;

namespace DonationService.Erasure;

/// <summary>
/// Issue 18, the right to be forgotten: a user erases their own account, or an admin erases a user's.
/// Both answer 202 with where the erasure stands and a Location to poll; asking again answers the
/// same erasure as it stands now. The erased user's token is refused everywhere from the first call
/// on, except on the two routes that start and show their own erasure.
/// </summary>
public sealed class ErasureFunctions(HttpCalls http, ServiceDatabase database, IProfileStore profiles, ErasureStore erasures)
{
    public const string MyErasurePath = "/api/profiles/me/erasure";

    [Function(nameof(EraseMyAccount))]
    public async Task<IActionResult> EraseMyAccount(
        [HttpTrigger(AuthorizationLevel.Anonymous, "delete", Route = "profiles/me")] HttpRequest req, CancellationToken ct)
    {
        var call = await http.BeginAsync(req, ct);
        if (call.Problem is not null)
        {
            return call.Problem;
        }

        if (call.User.IsAdmin)
        {
            return Problems.Forbidden("An admin's account cannot be erased while it is an admin: remove the admin role in Supabase Auth first.");
        }

        // Asked again: the erasure as it stands (the profile is not touched: it would take the token's email back).
        await using var uow = await database.BeginAsync(ct);
        var record = await erasures.FindAsync(uow, call.User.UserId, ct);
        if (record is null)
        {
            // Under the profile's lock, read again: of two first requests at once, one starts the erasure.
            var (profile, _) = await profiles.EnsureAsync(uow, call.User, forUpdate: true, ct);
            record = await erasures.FindAsync(uow, profile.Id, ct) ?? await erasures.StartAsync(uow, profile.Id, call.User.UserId, ct);
        }

        await uow.CommitAsync(ct);
        return Accepted(record, MyErasurePath);
    }

    [Function(nameof(GetMyErasure))]
    public async Task<IActionResult> GetMyErasure(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "profiles/me/erasure")] HttpRequest req, CancellationToken ct)
    {
        var call = await http.BeginAsync(req, ct);
        if (call.Problem is not null)
        {
            return call.Problem;
        }

        return await ShowAsync(call.User.UserId, "Your account is not being erased.", ct);
    }

    [Function(nameof(EraseUser))]
    public async Task<IActionResult> EraseUser(
        [HttpTrigger(AuthorizationLevel.Anonymous, "delete", Route = "admin/users/{id}")] HttpRequest req, string id, CancellationToken ct)
    {
        var call = await http.BeginAsync(req, ct, id);
        if (call.Problem is not null)
        {
            return call.Problem;
        }

        await using var uow = await database.BeginAsync(ct);
        var profile = await profiles.LockAsync(uow, call.Id, ct);
        if (profile is null)
        {
            return Problems.NotFound("No such user.");
        }

        var record = await erasures.FindAsync(uow, call.Id, ct);
        if (record is null)
        {
            if (profile.Role == "admin" || call.Id == call.User.UserId)
            {
                return Problems.Forbidden("Admins cannot be erased: remove the admin role in Supabase Auth first.");
            }

            record = await erasures.StartAsync(uow, call.Id, call.User.UserId, ct);
        }

        await uow.CommitAsync(ct);
        return Accepted(record, $"/api/admin/users/{call.Id:D}/erasure");
    }

    [Function(nameof(GetUserErasure))]
    public async Task<IActionResult> GetUserErasure(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "admin/users/{id}/erasure")] HttpRequest req, string id, CancellationToken ct)
    {
        var call = await http.BeginAsync(req, ct, id);
        if (call.Problem is not null)
        {
            return call.Problem;
        }

        return await ShowAsync(call.Id, "This user's account is not being erased.", ct);
    }

    private async Task<IActionResult> ShowAsync(Guid userId, string notFound, CancellationToken ct)
    {
        await using var uow = await database.BeginAsync(ct);
        var record = await erasures.FindAsync(uow, userId, ct);
        await uow.CommitAsync(ct);
        return record is null ? Problems.NotFound(notFound) : new ApiResponse(StatusCodes.Status200OK, ErasureView.From(record));
    }

    private static ApiResponse Accepted(ErasureRecord record, string location) =>
        new ApiResponse(StatusCodes.Status202Accepted, ErasureView.From(record)).WithHeader("Location", location);
}
