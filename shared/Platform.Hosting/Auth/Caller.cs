using Platform.Hosting.Http;

namespace Platform.Hosting.Auth;

/// <summary>
/// The verified user behind a request. Roles other than admin come from profiles, not the token.
/// <see cref="IsAnonymousSignIn"/>: a Supabase anonymous sign-in (<c>is_anonymous</c>), which reads but does not write.
/// </summary>
public sealed record Caller(Guid UserId, string? Email, bool IsAdmin, string? SignupRole = null, bool IsAnonymousSignIn = false);

/// <summary>Either a caller, an anonymous request, or the 401 problem to answer.</summary>
public sealed record AuthResult(Caller? Caller, ApiResponse? Problem)
{
    public static readonly AuthResult Anonymous = new(null, null);

    public bool IsAnonymous => Caller is null && Problem is null;
}
