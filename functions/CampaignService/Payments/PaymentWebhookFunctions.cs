using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Platform.Hosting.Http;

namespace CampaignService.Payments;

/// <summary>
/// The provider's webhook: anonymous, but nothing is read from a body whose signature the
/// provider's library has not verified. One endpoint per provider.
/// </summary>
public sealed class PaymentWebhookFunctions(HttpCalls http, ContributionPayments payments)
{
    [Function(nameof(StripeWebhook))]
    public async Task<IActionResult> StripeWebhook(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "payments/stripe/webhook")] HttpRequest req, CancellationToken ct)
    {
        var call = await http.BeginAsync<StripeWebhookBody>(req, ct);
        if (call.Problem is not null)
        {
            return call.Problem;
        }

        // The signature covers the bytes as sent: they are verified as they came, never re-serialised.
        return await payments.ReceiveAsync(Encoding.UTF8.GetString(call.RawBody), req.Headers["Stripe-Signature"].ToString(), ct);
    }
}

/// <summary>
/// The part of a Stripe event the route checks before its signature (the rest is Stripe's, read by
/// Stripe.net once the signature verifies).
/// </summary>
public sealed record StripeWebhookBody(
    [property: Required, Text(1, 255), System.ComponentModel.Description("The event's id (evt_…).")] string? Id,
    [property: Required, Text(1, 100), System.ComponentModel.Description("The event type, e.g. checkout.session.completed.")] string? Type);
