using Platform.Hosting.Auth;
using Platform.Hosting.Http;

namespace Platform.Testing;

/// <summary>A body's declared rules as a request meets them, for unit tests of the rules themselves.</summary>
public static class BodyRules
{
    /// <summary>The checked body mapped by <paramref name="map"/>, or the invalid fields (what a 400 would list).</summary>
    public static Result<T> Check<TBody, T>(TBody body, Func<TBody, T> map, Caller? caller = null)
        where TBody : class
    {
        var validation = Fields.Check(body, caller);
        return validation.IsValid ? map(body) : new Failure(ResultKind.Invalid, "One or more fields are invalid.", validation.Errors);
    }
}
