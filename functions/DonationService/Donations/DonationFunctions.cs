using DonationService.Files;
using DonationService.Profiles;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Platform.Data;
using Platform.Hosting.Http;

namespace DonationService.Donations;

/// <summary>Listing, reading, creating, editing and deleting donations.</summary>
public sealed class DonationFunctions(
    HttpCalls http, ServiceDatabase database, IdempotentWrites writes, IDonationStore donations, IProfileStore profiles, DonationViews views)
{
    [Function(nameof(ListDonations))]
    public async Task<IActionResult> ListDonations(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "donations")] HttpRequest req, CancellationToken ct)
    {
        var call = await http.BeginAsync<DonationFilter>(req, ct);
        if (call.Problem is not null)
        {
            return call.Problem;
        }

        var rows = await donations.ListAsync(call.Input, call.Caller, call.Page, ct);
        var result = rows.ToPage(call.Page.Limit, d => DonationStore.CursorOf(d, call.Input.SortBy()));
        return new ApiResponse(StatusCodes.Status200OK, new Page<DonationView>([.. await views.ManyAsync(result.Items, ct, call.Caller)], result.NextCursor));
    }

    [Function(nameof(GetDonation))]
    public async Task<IActionResult> GetDonation(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "donations/{id}")] HttpRequest req, string id, CancellationToken ct)
    {
        var call = await http.BeginAsync(req, ct, id);
        if (call.Problem is not null)
        {
            return call.Problem;
        }

        var donation = await donations.FindAsync(call.Id, ct);
        return donation is not null && DonationRules.IsVisibleTo(donation, call.Caller)
            ? new ApiResponse(StatusCodes.Status200OK, await views.OneAsync(donation, ct, call.Caller))
            : Problems.NotFound("No such donation.");
    }

    [Function(nameof(CreateDonation))]
    public async Task<IActionResult> CreateDonation(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "donations")] HttpRequest req, CancellationToken ct)
    {
        var call = await http.BeginAsync<DonationBody>(req, ct);
        if (call.Problem is not null)
        {
            return call.Problem;
        }

        return await writes.ExecuteAsync(req, call.User.UserId, call.RawBody, async uow =>
        {
            var (profile, _) = await profiles.EnsureAsync(uow, call.User, forUpdate: false, ct);
            if (DonationRules.CanCreate(call.User, profile) is { } refused)
            {
                return refused.ToResponse();
            }

            // Issue 17: without coordinates of its own, a new donation is placed at the donor's default location.
            var fields = call.Input.ToFields();
            if (fields.Latitude is null && profile.Latitude is { } latitude && profile.Longitude is { } longitude)
            {
                fields = fields with { Latitude = latitude, Longitude = longitude };
            }

            var donation = await donations.InsertAsync(uow, call.User.UserId, fields, ct);
            return Result.Created(DonationView.From(donation, [], call.User)).ToResponse(d => $"/api/donations/{d.Id}");
        }, ct);
    }

    [Function(nameof(UpdateDonation))]
    public async Task<IActionResult> UpdateDonation(
        [HttpTrigger(AuthorizationLevel.Anonymous, "put", Route = "donations/{id}")] HttpRequest req, string id, CancellationToken ct)
    {
        var call = await http.BeginAsync<DonationBody>(req, ct, id);
        if (call.Problem is not null)
        {
            return call.Problem;
        }

        await using var uow = await database.BeginAsync(ct);
        var donation = await donations.LockAsync(uow, call.Id, ct);
        if (donation is null)
        {
            return Problems.NotFound("No such donation.");
        }

        var profile = await profiles.LockAsync(uow, call.User.UserId, ct);
        if (DonationRules.CanUpdate(donation, call.User, profile) is { } refused)
        {
            return refused.ToResponse();
        }

        var fields = call.Input.ToFields();
        if (DonationRules.NeedsReReview(donation, fields))
        {
            await donations.ResubmitAsync(uow, call.Id, publish: false, ct);
        }

        var updated = await donations.UpdateAsync(uow, call.Id, fields, ct);
        await uow.CommitAsync(ct);
        return new ApiResponse(StatusCodes.Status200OK, await views.OneAsync(updated, ct, call.User));
    }

    [Function(nameof(DeleteDonation))]
    public async Task<IActionResult> DeleteDonation(
        [HttpTrigger(AuthorizationLevel.Anonymous, "delete", Route = "donations/{id}")] HttpRequest req, string id, CancellationToken ct)
    {
        var call = await http.BeginAsync(req, ct, id);
        if (call.Problem is not null)
        {
            return call.Problem;
        }

        await using var uow = await database.BeginAsync(ct);
        var donation = await donations.LockAsync(uow, call.Id, ct);
        if (donation is null)
        {
            return Problems.NotFound("No such donation.");
        }

        var profile = await profiles.LockAsync(uow, call.User.UserId, ct);
        if (DonationRules.CanDelete(donation, call.User, profile) is { } refused)
        {
            return refused.ToResponse();
        }

        await donations.SoftDeleteAsync(uow, call.Id, call.User.UserId, ct);
        await uow.CommitAsync(ct);
        return new ApiResponse(StatusCodes.Status204NoContent, null);
    }
}
