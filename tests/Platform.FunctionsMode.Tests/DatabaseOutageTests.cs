using System.Text.Json;
using Npgsql;
using Platform.FunctionsMode.Tests.Support;
using Platform.Testing;

namespace Platform.FunctionsMode.Tests;

/// <summary>
/// The database gone under an app: the exception escapes the function into the error boundary
/// (FunctionsErrorMiddleware under the Functions host, the standalone middleware otherwise), which
/// answers 503 problem+json with Retry-After, a trace_id and the caller's correlation id, the same in
/// both modes; the app serves again once the database is back.
/// </summary>
public sealed class DatabaseOutageTests
{
    [Theory]
    [InlineData(TestHosting.Functions)]
    [InlineData(TestHosting.Standalone)]
    public async Task A_lost_database_is_a_503_problem_with_retry_after_and_the_app_recovers(TestHosting hosting)
    {
        await using var apps = await FunctionsApps.CreateAsync();
        await apps.MigrateAsync("DonationService");
        var database = new NpgsqlConnectionStringBuilder(apps.Database);
        await using var link = TcpRelay.Start(database.Port);
        database.Port = link.Port;
        var donations = await apps.StartAsync("DonationService", apps.Settings("DonationService", database: database.ConnectionString), hosting);
        await FunctionsApps.ExpectAsync(donations, await FunctionsApps.SendAsync(donations, HttpMethod.Get, "api/profiles/me", apps.Tokens.User(Guid.NewGuid())), 200);

        link.Cut();
        using var request = new HttpRequestMessage(HttpMethod.Get, "api/profiles/me");
        request.Headers.Authorization = new("Bearer", apps.Tokens.User(Guid.NewGuid()));
        request.Headers.TryAddWithoutValidation("X-Correlation-Id", "outage-probe-1");
        using var response = await donations.Client.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();

        Assert.True(503 == (int)response.StatusCode, $"Expected 503, got {(int)response.StatusCode}: {body}{Environment.NewLine}{donations.OutputTail}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.NotNull(response.Headers.RetryAfter);
        Assert.Equal("outage-probe-1", Assert.Single(response.Headers.GetValues("X-Correlation-Id")));
        using (var problem = JsonDocument.Parse(body))
        {
            Assert.Equal(503, problem.RootElement.GetProperty("status").GetInt32());
            Assert.False(string.IsNullOrEmpty(problem.RootElement.GetProperty("trace_id").GetString()));
        }

        link.Resume();
        await apps.WaitForAsync(
            async () =>
            {
                using var again = await FunctionsApps.SendAsync(donations, HttpMethod.Get, "api/profiles/me", apps.Tokens.User(Guid.NewGuid()));
                return (int)again.StatusCode == 200;
            },
            TimeSpan.FromSeconds(30),
            "GET /api/profiles/me answering 200 again after the database came back");
    }
}
