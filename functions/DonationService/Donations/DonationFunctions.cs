using DonationService.Profiles;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Platform.Data;
using Platform.Hosting.Auth;
using Platform.Hosting.Http;

namespace DonationService.Donations;

/// <summary>Listing, reading, creating, editing and deleting donations.</summary>
public sealed class DonationFunctions(
    IAuthenticator auth, ServiceDatabase database, IdempotentWrites writes, IDonationStore donations, IProfileStore profiles)
{
    [Function(nameof(ListDonations))]
    public async Task<IActionResult> ListDonations(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "donations")] HttpRequest req, CancellationToken ct)
    {
        var authResult = await auth.AuthenticateAsync(req, ct);
        if (authResult.Problem is not null)
        {
            return authResult.Problem;
        }

        var validation = new Validation();
        var query = new QueryReader(req, validation);
        var filter = new DonationFilter(
            query.OneOf<DonationStatus>("status"), query.OneOf<DonationCategory>("category"), query.Uuid("donor_id"), query.Text("q", 100));
        var page = query.Page();
        if (!validation.IsValid)
        {
            return validation.ToProblem();
        }

        var rows = await donations.ListAsync(filter, authResult.Caller, page, ct);
        var result = rows.ToPage(page.Limit, d => new Cursor(d.CreatedAt, d.Id));
        return new ApiResponse(StatusCodes.Status200OK, new Page<DonationView>(result.Items.Select(DonationView.From).ToList(), result.NextCursor));
    }

    [Function(nameof(GetDonation))]
    public async Task<IActionResult> GetDonation(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "donations/{id}")] HttpRequest req, string id, CancellationToken ct)
    {
        var authResult = await auth.AuthenticateAsync(req, ct);
        if (authResult.Problem is not null)
        {
            return authResult.Problem;
        }

        if (!Ids.TryParse(id, out var donationId))
        {
            return Problems.Validation("id", "must be a UUID");
        }

        var donation = await donations.FindAsync(donationId, ct);
        return donation is not null && DonationRules.IsVisibleTo(donation, authResult.Caller)
            ? new ApiResponse(StatusCodes.Status200OK, DonationView.From(donation))
            : Problems.NotFound("No such donation.");
    }

    [Function(nameof(CreateDonation))]
    public async Task<IActionResult> CreateDonation(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "donations")] HttpRequest req, CancellationToken ct)
    {
        var authResult = await auth.RequireUserAsync(req, ct);
        if (authResult.Caller is not { } caller)
        {
            return authResult.Problem!;
        }

        var body = await JsonBody.ReadAsync<DonationBody>(req, ct);
        if (!body.IsValid)
        {
            return body.Problem!;
        }

        var fields = DonationRules.Validate(body.Value!);
        if (!fields.IsSuccess)
        {
            return fields.ToResponse();
        }

        return await writes.ExecuteAsync(req, caller.UserId, body.Raw, async uow =>
        {
            var (profile, _) = await profiles.EnsureAsync(uow, caller, forUpdate: false, ct);
            if (DonationRules.CanCreate(caller, profile) is { } refused)
            {
                return refused.ToResponse();
            }

            var donation = await donations.InsertAsync(uow, caller.UserId, fields.Value!, ct);
            return Result.Created(DonationView.From(donation)).ToResponse(d => $"/api/donations/{d.Id}");
        }, ct);
    }

    [Function(nameof(UpdateDonation))]
    public async Task<IActionResult> UpdateDonation(
        [HttpTrigger(AuthorizationLevel.Anonymous, "put", Route = "donations/{id}")] HttpRequest req, string id, CancellationToken ct)
    {
        var authResult = await auth.RequireUserAsync(req, ct);
        if (authResult.Caller is not { } caller)
        {
            return authResult.Problem!;
        }

        if (!Ids.TryParse(id, out var donationId))
        {
            return Problems.Validation("id", "must be a UUID");
        }

        var body = await JsonBody.ReadAsync<DonationBody>(req, ct);
        if (!body.IsValid)
        {
            return body.Problem!;
        }

        var fields = DonationRules.Validate(body.Value!);
        if (!fields.IsSuccess)
        {
            return fields.ToResponse();
        }

        await using var uow = await database.BeginAsync(ct);
        var donation = await donations.LockAsync(uow, donationId, ct);
        if (donation is null)
        {
            return Problems.NotFound("No such donation.");
        }

        var profile = await profiles.LockAsync(uow, caller.UserId, ct);
        if (DonationRules.CanUpdate(donation, caller, profile) is { } refused)
        {
            return refused.ToResponse();
        }

        var updated = await donations.UpdateAsync(uow, donationId, fields.Value!, ct);
        await uow.CommitAsync(ct);
        return new ApiResponse(StatusCodes.Status200OK, DonationView.From(updated));
    }

    [Function(nameof(DeleteDonation))]
    public async Task<IActionResult> DeleteDonation(
        [HttpTrigger(AuthorizationLevel.Anonymous, "delete", Route = "donations/{id}")] HttpRequest req, string id, CancellationToken ct)
    {
        var authResult = await auth.RequireUserAsync(req, ct);
        if (authResult.Caller is not { } caller)
        {
            return authResult.Problem!;
        }

        if (!Ids.TryParse(id, out var donationId))
        {
            return Problems.Validation("id", "must be a UUID");
        }

        await using var uow = await database.BeginAsync(ct);
        var donation = await donations.LockAsync(uow, donationId, ct);
        if (donation is null)
        {
            return Problems.NotFound("No such donation.");
        }

        var profile = await profiles.LockAsync(uow, caller.UserId, ct);
        if (DonationRules.CanDelete(donation, caller, profile) is { } refused)
        {
            return refused.ToResponse();
        }

        await donations.SoftDeleteAsync(uow, donationId, caller.UserId, ct);
        await uow.CommitAsync(ct);
        return new ApiResponse(StatusCodes.Status204NoContent, null);
    }
}
