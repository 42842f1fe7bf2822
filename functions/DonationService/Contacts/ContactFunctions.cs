using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Platform.Hosting.Http;

namespace DonationService.Contacts;

/// <summary>Contact after approval: the two sides of a hand-over see each other's contact details.</summary>
public sealed class ContactFunctions(HttpCalls http, ContactStore contacts)
{
    [Function(nameof(GetHandOverContact))]
    public async Task<IActionResult> GetHandOverContact(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "donations/{id}/contact")] HttpRequest req, string id, CancellationToken ct)
    {
        var call = await http.BeginAsync(req, ct, id);
        if (call.Problem is not null)
        {
            return call.Problem;
        }

        // One answer for "no such donation", "no approved or completed request" and "not yours":
        // nobody learns from this route whether a donation is claimed or by whom.
        var row = await contacts.FindAsync(call.Id, ct);
        return row is not null && (call.User.IsAdmin || call.User.UserId == row.DonorId || call.User.UserId == row.RecipientId)
            ? new ApiResponse(StatusCodes.Status200OK, row.ToView())
            : Problems.NotFound("No hand-over of this donation that you are part of (the request must be approved or completed).");
    }
}
