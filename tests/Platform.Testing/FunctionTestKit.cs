using System.Runtime.CompilerServices;
using Microsoft.AspNetCore.Http;
using Moq;
using Npgsql;
using Platform.Data;
using Platform.Hosting.Auth;
using Platform.Hosting.Http;

namespace Platform.Testing;

/// <summary>What every service's function-class unit tests need, written once.</summary>
public static class FunctionTestKit
{
    /// <summary>Points at a closed port: a test that reaches the database fails loudly instead of passing.</summary>
    public static ServiceDatabase UnreachableDatabase(string schema) =>
        new(NpgsqlDataSource.Create("Host=127.0.0.1;Port=1;Timeout=1"), schema);

    /// <summary>
    /// A unit of work that only collects the events published into it: <c>Publish</c> touches neither
    /// the connection nor the transaction, so unopened ones are enough (never commit or dispose it).
    /// </summary>
    public static UnitOfWork EventCollector(string schema) =>
        new(new NpgsqlConnection(), (NpgsqlTransaction)RuntimeHelpers.GetUninitializedObject(typeof(NpgsqlTransaction)), UnreachableDatabase(schema));

    /// <summary>An authenticator that answers every question with <paramref name="result"/>.</summary>
    public static Mock<IAuthenticator> Authenticator(AuthResult result)
    {
        var auth = new Mock<IAuthenticator>(MockBehavior.Strict);
        auth.Setup(a => a.AuthenticateAsync(It.IsAny<HttpRequest>(), It.IsAny<CancellationToken>())).ReturnsAsync(result);
        auth.Setup(a => a.RequireUserAsync(It.IsAny<HttpRequest>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync(result.IsAnonymous ? new AuthResult(null, Problems.Unauthorized("Sign in first.")) : result);
        return auth;
    }
}
