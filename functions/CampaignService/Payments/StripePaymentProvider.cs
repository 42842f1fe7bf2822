using System.Globalization;
using Microsoft.Extensions.Options;
using Stripe;
using Stripe.Checkout;

namespace CampaignService.Payments;

/// <summary>
/// Stripe Checkout through Stripe.net: sessions, refunds and webhook signatures are the library's
/// (<see cref="EventUtility.ConstructEvent(string, string, string, long, bool)"/>), none hand-written.
/// Every POST carries our idempotency key, so Stripe.net's own retries and ours land on one session
/// or one refund.
/// </summary>
public sealed class StripePaymentProvider : IPaymentProvider
{
    public const string ProviderName = "stripe";

    private readonly PaymentOptions _options;
    private readonly SessionService _sessions;
    private readonly RefundService _refunds;
    private readonly string _webhookSecret;

    public StripePaymentProvider(IOptions<PaymentOptions> options, IHttpClientFactory httpClients)
    {
        _options = options.Value;
        var stripe = _options.Stripe;
        if (string.IsNullOrWhiteSpace(stripe.SecretKey) || string.IsNullOrWhiteSpace(stripe.WebhookSecret))
        {
            throw new InvalidOperationException(
                "Payments__Provider is stripe but Payments__Stripe__SecretKey or Payments__Stripe__WebhookSecret is not set (Key Vault references in Azure).");
        }

        _webhookSecret = stripe.WebhookSecret;
        var client = new StripeClient(new StripeClientOptions
        {
            ApiKey = stripe.SecretKey,
            ApiBase = string.IsNullOrWhiteSpace(stripe.ApiBase) ? null : stripe.ApiBase.TrimEnd('/'),
            HttpClient = new SystemNetHttpClient(httpClients.CreateClient(ProviderName), stripe.MaxNetworkRetries),
        });
        _sessions = new SessionService(client);
        _refunds = new RefundService(client);
    }

    public string Name => ProviderName;

    public async Task<CheckoutSession> CreateCheckoutAsync(CheckoutRequest request, CancellationToken cancellationToken)
    {
        var id = request.ContributionId.ToString();
        var metadata = new Dictionary<string, string>
        {
            ["contribution_id"] = id,
            ["campaign_id"] = request.CampaignId.ToString(),
            ["contributor_id"] = request.ContributorId.ToString(),
        };
        var options = new SessionCreateOptions
        {
            Mode = "payment",
            ClientReferenceId = id,
            SuccessUrl = _options.SuccessUrl.Replace("{CONTRIBUTION_ID}", id, StringComparison.Ordinal),
            CancelUrl = _options.CancelUrl.Replace("{CONTRIBUTION_ID}", id, StringComparison.Ordinal),
            ExpiresAt = DateTime.UtcNow.AddMinutes(Math.Clamp(_options.CheckoutMinutes, 30, 24 * 60)),
            Metadata = metadata,
            PaymentIntentData = new SessionPaymentIntentDataOptions { Metadata = metadata },
            LineItems =
            [
                new SessionLineItemOptions
                {
                    Quantity = 1,
                    PriceData = new SessionLineItemPriceDataOptions
                    {
                        Currency = request.Currency,
                        UnitAmount = request.AmountMinor,
                        ProductData = new SessionLineItemPriceDataProductDataOptions { Name = "Contribution: " + request.CampaignTitle },
                    },
                },
            ],
        };

        try
        {
            var session = await _sessions.CreateAsync(options, new RequestOptions { IdempotencyKey = request.IdempotencyKey }, cancellationToken);
            return new CheckoutSession(
                session.Id, session.Url, Paid: false, session.PaymentIntentId, session.AmountTotal ?? request.AmountMinor, session.Currency ?? request.Currency);
        }
        catch (StripeException e)
        {
            throw new PaymentProviderUnavailableException($"Stripe did not open a checkout session ({(int)e.HttpStatusCode}: {e.StripeError?.Message ?? e.Message}).", e);
        }
        catch (HttpRequestException e)
        {
            throw new PaymentProviderUnavailableException("Stripe could not be reached.", e);
        }
        catch (TaskCanceledException e) when (!cancellationToken.IsCancellationRequested)
        {
            throw new PaymentProviderUnavailableException("Stripe did not answer in time.", e);
        }
    }

    public Task<PaymentNotice> ReadWebhookAsync(string body, string? signature, CancellationToken cancellationToken) =>
        Task.FromResult(ReadWebhook(body, signature));

    private PaymentNotice ReadWebhook(string body, string? signature)
    {
        if (string.IsNullOrWhiteSpace(signature))
        {
            throw new InvalidWebhookException("The Stripe-Signature header is missing.");
        }

        Event stripeEvent;
        try
        {
            stripeEvent = EventUtility.ConstructEvent(body, signature, _webhookSecret, _options.Stripe.ToleranceSeconds);
        }
        catch (StripeException e)
        {
            throw new InvalidWebhookException("The webhook's signature does not verify: " + e.Message, e);
        }
        catch (Exception e) when (e is FormatException or ArgumentException or OverflowException or System.Text.Json.JsonException or InvalidOperationException)
        {
            throw new InvalidWebhookException("The webhook could not be read: " + e.Message, e);
        }

        if (stripeEvent.Data?.Object is not Session session)
        {
            return new PaymentNotice(stripeEvent.Id, stripeEvent.Type, PaymentOutcome.Ignored, null, null, null, null, null);
        }

        var outcome = stripeEvent.Type switch
        {
            EventTypes.CheckoutSessionCompleted => session.PaymentStatus is "paid" or "no_payment_required" ? PaymentOutcome.Paid : PaymentOutcome.Ignored,
            EventTypes.CheckoutSessionAsyncPaymentSucceeded => PaymentOutcome.Paid,
            EventTypes.CheckoutSessionExpired or EventTypes.CheckoutSessionAsyncPaymentFailed => PaymentOutcome.Failed,
            _ => PaymentOutcome.Ignored,
        };
        var reference = session.ClientReferenceId ?? session.Metadata?.GetValueOrDefault("contribution_id");
        Guid? contributionId = Guid.TryParse(reference, CultureInfo.InvariantCulture, out var parsed) ? parsed : null;
        return new PaymentNotice(stripeEvent.Id, stripeEvent.Type, outcome, contributionId, session.Id, session.AmountTotal, session.Currency, session.PaymentIntentId);
    }

    public async Task<RefundReceipt> RefundAsync(RefundRequest request, CancellationToken cancellationToken)
    {
        try
        {
            var refund = await _refunds.CreateAsync(
                new RefundCreateOptions
                {
                    PaymentIntent = request.PaymentReference,
                    Amount = request.AmountMinor,
                    Metadata = new Dictionary<string, string> { ["contribution_id"] = request.ContributionId.ToString() },
                },
                new RequestOptions { IdempotencyKey = request.IdempotencyKey },
                cancellationToken);
            return new RefundReceipt(refund.Id, refund.Status);
        }
        catch (StripeException e)
        {
            throw new PaymentProviderUnavailableException($"Stripe did not refund ({(int)e.HttpStatusCode}: {e.StripeError?.Message ?? e.Message}).", e);
        }
        catch (HttpRequestException e)
        {
            throw new PaymentProviderUnavailableException("Stripe could not be reached.", e);
        }
        catch (TaskCanceledException e) when (!cancellationToken.IsCancellationRequested)
        {
            throw new PaymentProviderUnavailableException("Stripe did not answer in time.", e);
        }
    }
}
