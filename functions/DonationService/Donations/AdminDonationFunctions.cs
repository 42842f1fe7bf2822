using DonationService.Files;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Platform.Data;
using Platform.Hosting.Http;

namespace DonationService.Donations;

/// <summary>Admins review pending donations before anyone else sees them.</summary>
public sealed class AdminDonationFunctions(HttpCalls http, ServiceDatabase database, IDonationStore donations, DonationViews views)
{
    [Function(nameof(ReviewDonation))]
    public async Task<IActionResult> ReviewDonation(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "admin/donations/{id}/review")] HttpRequest req, string id, CancellationToken ct)
    {
        var call = await http.BeginAsync<ReviewBody>(req, ct, id);
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

        var next = DonationRules.Review(donation, call.Input.ToDecision());
        if (!next.IsSuccess)
        {
            return next.ToResponse();
        }

        var updated = await donations.ReviewAsync(uow, call.Id, call.Input.ToDecision(), next.Value, call.Input.Reason, call.User.UserId, ct);
        await uow.CommitAsync(ct);
        return new ApiResponse(StatusCodes.Status200OK, await views.OneAsync(updated, ct, call.User));
    }
}
