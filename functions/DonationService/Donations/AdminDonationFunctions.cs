using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Platform.Data;
using Platform.Hosting.Auth;
using Platform.Hosting.Http;

namespace DonationService.Donations;

/// <summary>Admins review pending donations before anyone else sees them.</summary>
public sealed class AdminDonationFunctions(IAuthenticator auth, ServiceDatabase database, IDonationStore donations)
{
    [Function(nameof(ReviewDonation))]
    public async Task<IActionResult> ReviewDonation(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "admin/donations/{id}/review")] HttpRequest req, string id, CancellationToken ct)
    {
        var authResult = await auth.RequireAdminAsync(req, ct);
        if (authResult.Caller is not { } admin)
        {
            return authResult.Problem!;
        }

        if (!Ids.TryParse(id, out var donationId))
        {
            return Problems.Validation("id", "must be a UUID");
        }

        var body = await JsonBody.ReadAsync<ReviewBody>(req, ct);
        if (!body.IsValid)
        {
            return body.Problem!;
        }

        var validation = new Validation();
        var decision = validation.OneOf<ReviewDecision>("decision", body.Value!.Decision, required: true);
        var reason = validation.Text("reason", body.Value.Reason, 1, 500, required: false);
        if (!validation.IsValid)
        {
            return validation.ToProblem();
        }

        await using var uow = await database.BeginAsync(ct);
        var donation = await donations.LockAsync(uow, donationId, ct);
        if (donation is null)
        {
            return Problems.NotFound("No such donation.");
        }

        var next = DonationRules.Review(donation, decision!.Value);
        if (!next.IsSuccess)
        {
            return next.ToResponse();
        }

        var updated = await donations.ReviewAsync(uow, donationId, decision.Value, next.Value, reason, admin.UserId, ct);
        await uow.CommitAsync(ct);
        return new ApiResponse(StatusCodes.Status200OK, DonationView.From(updated));
    }
}
