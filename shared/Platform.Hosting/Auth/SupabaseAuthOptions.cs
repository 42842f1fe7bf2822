namespace Platform.Hosting.Auth;

/// <summary>
/// How access tokens are checked. <c>SUPABASE_URL</c> gives the issuer (<c>{url}/auth/v1</c>) and the
/// JWKS endpoint; <c>SUPABASE_JWT_SECRET</c> (optional) enables the legacy HS256 secret.
/// </summary>
public sealed class SupabaseAuthOptions
{
    public const string Audience = "authenticated";

    public required string Url { get; init; }

    public string? JwtSecret { get; init; }

    /// <summary>
    /// Whether Supabase's anonymous sign-ins (<c>is_anonymous</c> in the token) may write; by default
    /// they only read (<c>Auth__AllowAnonymousWrites</c>).
    /// </summary>
    public bool AllowAnonymousWrites { get; init; }

    public TimeSpan ClockSkew { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>How long fetched signing keys are trusted before they are fetched again.</summary>
    public TimeSpan JwksCacheDuration { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>The least time between two fetches caused by unknown key ids (protects Supabase and us).</summary>
    public TimeSpan JwksMinRefreshInterval { get; init; } = TimeSpan.FromSeconds(30);

    public string Issuer => Url.TrimEnd('/') + "/auth/v1";

    public Uri JwksUri => new(Issuer + "/.well-known/jwks.json");
}
