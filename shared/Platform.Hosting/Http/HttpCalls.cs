using System.Runtime.CompilerServices;
using Microsoft.AspNetCore.Http;
using Platform.Hosting.Auth;
using Platform.Hosting.OpenApi;

namespace Platform.Hosting.Http;

/// <summary>
/// The start of every HTTP function in one call, driven by what the app's <see cref="ApiDescription"/>
/// says about the function (found by its name, the method's name): who may call it (a token is read,
/// required, or required to be an admin's), the route's <c>id</c>, its query record and page, and its
/// JSON body with the rules declared on the body's record. The first thing wrong is answered, in that
/// order, exactly as the platform always has: 401/403 (401 too for an erased account's token, <see cref="ErasedAccounts"/>), 429 when the caller's allowance for the route's
/// class is spent (<see cref="RateLimits"/>), 400 for the id, 400 for the query, 413/415/400
/// for the body, 400 listing every invalid field.
/// <code>
/// var call = await http.BeginAsync&lt;DonationBody&gt;(req, ct, id);
/// if (call.Problem is not null) return call.Problem;
/// </code>
/// The function stays a plain Azure Function: its trigger, route and result are unchanged.
/// </summary>
public sealed class HttpCalls(IAuthenticator auth, ApiDescription api, RateLimits? limits = null, ErasedAccounts? erased = null)
{
    /// <summary>A function that takes no body and no query: who calls, and the route's id when given.</summary>
    public Task<Call<NoInput>> BeginAsync(HttpRequest request, CancellationToken cancellationToken, string? id = null, [CallerMemberName] string function = "") =>
        BeginAsync<NoInput>(request, cancellationToken, id, function);

    /// <summary>A function whose operation declares <typeparamref name="TInput"/> as its body or as its query record.</summary>
    public async Task<Call<TInput>> BeginAsync<TInput>(
        HttpRequest request, CancellationToken cancellationToken, string? id = null, [CallerMemberName] string function = "")
        where TInput : class
    {
        var operation = api.Operations.GetValueOrDefault(function)
            ?? throw new InvalidOperationException($"{api.Title} describes no function '{function}'; add it to the app's ApiDescription.");
        var readsBody = operation.BodyType == typeof(TInput);
        var readsQuery = operation.QueryType == typeof(TInput);
        if (typeof(TInput) == typeof(NoInput)
            ? (operation.BodyType ?? operation.QueryType) is { } declared
            : !readsBody && !readsQuery)
        {
            throw new InvalidOperationException(
                $"{function} reads a {typeof(TInput).Name}, but its description declares {(operation.BodyType ?? operation.QueryType)?.Name ?? "neither body nor query"}.");
        }

        var authResult = operation.Access switch
        {
            Access.Anonymous => AuthResult.Anonymous,
            Access.OptionalUser => await auth.AuthenticateAsync(request, cancellationToken),
            Access.User => await auth.RequireUserAsync(request, cancellationToken),
            _ => await auth.RequireAdminAsync(request, cancellationToken),
        };
        if (authResult.Problem is { } unauthorized)
        {
            return Call<TInput>.Failed(unauthorized);
        }

        var caller = authResult.Caller;
        if (caller is not null && !operation.AllowsErasedUser && erased is not null && erased.IsErased(caller.UserId))
        {
            return Call<TInput>.Failed(Problems.Unauthorized(ErasedAccounts.Detail));
        }

        if (limits?.TryAcquire(operation.RateClassFor(request.Method), caller, request) is { } tooMany)
        {
            return Call<TInput>.Failed(tooMany);
        }

        var routeId = Guid.Empty;
        if (id is not null && !Ids.TryParse(id, out routeId))
        {
            return Call<TInput>.Failed(Problems.Validation("id", "must be a UUID"));
        }

        if (readsQuery || operation.IsPaged)
        {
            var validation = new Validation();
            var query = readsQuery ? Fields.Bind<TInput>(request, validation, caller) : null;
            var page = operation.IsPaged ? new QueryReader(request, validation).Page() : default;
            if (query is ISortedQuery sorted && !validation.Has("cursor"))
            {
                new QueryReader(request, validation).CheckSort(page, sorted);
            }

            return validation.IsValid
                ? new Call<TInput>(null, caller, routeId, query, page, [])
                : Call<TInput>.Failed(validation.ToProblem());
        }

        if (!readsBody || (operation.BodyOptional && !HasBody(request)))
        {
            return new Call<TInput>(null, caller, routeId, null, default, []);
        }

        var body = await JsonBody.ReadAsync<TInput>(request, cancellationToken);
        if (!body.IsValid)
        {
            return Call<TInput>.Failed(body.Problem!);
        }

        var fields = Fields.Check(body.Value!, caller);
        return fields.IsValid
            ? new Call<TInput>(null, caller, routeId, body.Value, default, body.Raw)
            : Call<TInput>.Failed(fields.ToProblem());
    }

    private static bool HasBody(HttpRequest request) => request.ContentLength > 0 || request.Headers.TransferEncoding.Count > 0;
}

/// <summary>What a function takes when it has neither body nor query.</summary>
public sealed class NoInput;

/// <summary>
/// A started call: the problem to answer, or who calls (<see cref="Caller"/>, null when anonymous;
/// <see cref="User"/> where a token is required), the route's <see cref="Id"/>, the checked
/// <see cref="Input"/> (body or query), the <see cref="Page"/> of a list and the body's bytes (for
/// Idempotency-Key).
/// </summary>
public sealed record Call<TInput>(ApiResponse? Problem, Caller? Caller, Guid Id, TInput? InputOrNull, PageRequest Page, byte[] RawBody)
    where TInput : class
{
    /// <summary>The signed-in caller of a function that requires one.</summary>
    public Caller User => Caller ?? throw new InvalidOperationException("This function's description lets anonymous callers in; use Caller.");

    /// <summary>The body or query record, checked against its rules.</summary>
    public TInput Input => InputOrNull ?? throw new InvalidOperationException($"This call has no {typeof(TInput).Name} (an optional body that was not sent?).");

    internal static Call<TInput> Failed(ApiResponse problem) => new(problem, null, Guid.Empty, null, default, []);
}
