using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Platform.Hosting.Http;

namespace RequestService.Donations;

/// <summary>What donation-service said about a donation and about the caller.</summary>
public sealed record DonationLookup(LookupOutcome Outcome, Guid DonorId = default, string? Status = null);

public sealed record CallerProfile(LookupOutcome Outcome, string? Role = null, bool Blocked = false);

public enum LookupOutcome
{
    Found,
    NotFound,
    Unavailable,
}

/// <summary>The synchronous calls request-service makes to donation-service.</summary>
public interface IDonationClient
{
    Task<DonationLookup> GetDonationAsync(Guid donationId, string bearerToken, CancellationToken cancellationToken);

    Task<CallerProfile> GetCallerProfileAsync(string bearerToken, CancellationToken cancellationToken);
}

/// <summary>
/// donation-service over HTTP with the caller's own token (so its visibility rules apply), through
/// the standard resilience pipeline (attempt timeout, retries with jitter, circuit breaker) set up in
/// <see cref="RequestServiceSetup"/>. Anything but a clear answer is <see cref="LookupOutcome.Unavailable"/>.
/// </summary>
public sealed class DonationClient(HttpClient http) : IDonationClient
{
    public async Task<DonationLookup> GetDonationAsync(Guid donationId, string bearerToken, CancellationToken cancellationToken)
    {
        var (status, body) = await GetAsync($"api/donations/{donationId}", bearerToken, cancellationToken);
        if (status == HttpStatusCode.NotFound)
        {
            return new DonationLookup(LookupOutcome.NotFound);
        }

        if (status != HttpStatusCode.OK || body is null)
        {
            return new DonationLookup(LookupOutcome.Unavailable);
        }

        var donation = Read<DonationDto>(body.Value);
        return donation is null ? new DonationLookup(LookupOutcome.Unavailable) : new DonationLookup(LookupOutcome.Found, donation.DonorId, donation.Status);
    }

    public async Task<CallerProfile> GetCallerProfileAsync(string bearerToken, CancellationToken cancellationToken)
    {
        var (status, body) = await GetAsync("api/profiles/me", bearerToken, cancellationToken);
        if (status != HttpStatusCode.OK || body is null)
        {
            return new CallerProfile(LookupOutcome.Unavailable);
        }

        var profile = Read<ProfileDto>(body.Value);
        return profile is null ? new CallerProfile(LookupOutcome.Unavailable) : new CallerProfile(LookupOutcome.Found, profile.Role, profile.Blocked);
    }

    private async Task<(HttpStatusCode? Status, JsonElement? Body)> GetAsync(string path, string bearerToken, CancellationToken cancellationToken)
    {
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, path);
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", bearerToken);
            using var response = await http.SendAsync(request, cancellationToken);
            if (!response.IsSuccessStatusCode)
            {
                return (response.StatusCode, null);
            }

            await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken);
            return (response.StatusCode, await JsonSerializer.DeserializeAsync<JsonElement>(stream, cancellationToken: cancellationToken));
        }
        catch (Exception ex) when (ex is HttpRequestException or JsonException or Polly.Timeout.TimeoutRejectedException or Polly.CircuitBreaker.BrokenCircuitException
                                       || (ex is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            return (null, null);
        }
    }

    /// <summary>An answer of the wrong shape is no answer: null, never an exception.</summary>
    private static T? Read<T>(JsonElement body)
        where T : class
    {
        try
        {
            return body.Deserialize<T>(PlatformJson.Options);
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException or FormatException)
        {
            return null;
        }
    }

    private sealed record DonationDto(Guid Id, Guid DonorId, string Status);

    private sealed record ProfileDto(Guid Id, string Role, bool Blocked);
}
