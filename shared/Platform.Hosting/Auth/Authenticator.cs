using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Net.Http.Headers;
using Platform.Hosting.Http;

namespace Platform.Hosting.Auth;

/// <summary>What a function asks to learn who is calling.</summary>
public interface IAuthenticator
{
    /// <summary>A caller, anonymous when no Authorization header was sent, or a 401 problem for a bad token.</summary>
    Task<AuthResult> AuthenticateAsync(HttpRequest request, CancellationToken cancellationToken = default);

    /// <summary>Like <see cref="AuthenticateAsync"/>, but anonymous is a 401 too.</summary>
    Task<AuthResult> RequireUserAsync(HttpRequest request, CancellationToken cancellationToken = default);
}

internal sealed class Authenticator(SupabaseTokenValidator validator, SupabaseAuthOptions options, ILogger<Authenticator> logger) : IAuthenticator
{
    private const int MaxTokenLength = 16 * 1024;

    public async Task<AuthResult> AuthenticateAsync(HttpRequest request, CancellationToken cancellationToken = default)
    {
        var headers = request.Headers[HeaderNames.Authorization];
        if (headers.Count == 0)
        {
            return AuthResult.Anonymous;
        }

        var header = headers.Count == 1 ? headers[0] : null;
        if (header is null || !header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            return Fail("Send one 'Authorization: Bearer <access token>' header.");
        }

        var token = header["Bearer ".Length..].Trim();
        if (token.Length is 0 or > MaxTokenLength)
        {
            return Fail("The bearer token is missing or too long.");
        }

        var (caller, failure) = await validator.ValidateAsync(token, cancellationToken);
        if (caller is null)
        {
            logger.LogInformation("Refused a bearer token: {Reason}", failure);
            return Fail(failure!);
        }

        if (caller.IsAnonymousSignIn && !options.AllowAnonymousWrites && !IsRead(request.Method))
        {
            return new AuthResult(null, Problems.Forbidden(
                "Anonymous sign-ins can read but not change anything: sign in with an email, phone or provider account (Supabase can link one to this session)."));
        }

        return new AuthResult(caller, null);
    }

    private static bool IsRead(string method) => HttpMethods.IsGet(method) || HttpMethods.IsHead(method) || HttpMethods.IsOptions(method);

    public async Task<AuthResult> RequireUserAsync(HttpRequest request, CancellationToken cancellationToken = default)
    {
        var result = await AuthenticateAsync(request, cancellationToken);
        return result.IsAnonymous ? Fail("Sign in first: send 'Authorization: Bearer <access token>'.") : result;
    }

    private static AuthResult Fail(string detail) => new(null, Problems.Unauthorized(detail));
}

public static class AuthenticatorExtensions
{
    /// <summary>The raw bearer token of a request (already verified), to call another service on the caller's behalf.</summary>
    public static string? BearerTokenOf(HttpRequest request)
    {
        var header = request.Headers[HeaderNames.Authorization];
        return header.Count == 1 && header[0] is { } value && value.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)
            ? value["Bearer ".Length..].Trim()
            : null;
    }

    /// <summary>A signed-in admin (<c>app_metadata.role = admin</c>); 401 when signed out, 403 for anyone else.</summary>
    public static async Task<AuthResult> RequireAdminAsync(this IAuthenticator auth, HttpRequest request, CancellationToken cancellationToken = default)
    {
        var result = await auth.RequireUserAsync(request, cancellationToken);
        return result.Caller is { IsAdmin: false }
            ? new AuthResult(null, Problems.Forbidden("Only admins may do this."))
            : result;
    }
}
