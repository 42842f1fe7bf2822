using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Dapper;
using Npgsql;
using Platform.Testing;

namespace Platform.FunctionsMode.Tests.Support;

/// <summary>
/// Apps of one scenario, each launched under the test Functions host, on a RabbitMQ virtual host and
/// a PostgreSQL database of the scenario's own (so no other test process's consumers take its events,
/// and no other process's outbox relay, which sweeps every unsent row of its database, publishes
/// them elsewhere), migrated there first as `migrate` does before any deployment. Tokens are the
/// local HS256 ones.
/// </summary>
public sealed class FunctionsApps : IAsyncDisposable
{
    public const string VhostPrefix = "functions-mode";
    private readonly List<ServiceProcess> _apps = [];

    private FunctionsApps(string brokerUri, string database)
    {
        BrokerUri = brokerUri;
        Database = database;
    }

    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    /// <summary>The scenario's broker URI (its own vhost).</summary>
    public string BrokerUri { get; }

    public TestTokens Tokens { get; } = new("http://127.0.0.1:54321", TestEnvironment.JwtSecret);

    public IReadOnlyList<ServiceProcess> Running => _apps;

    /// <summary>The scenario's own database (every service's schema in it), as the stack's admin.</summary>
    public string Database { get; }

    public static async Task<FunctionsApps> CreateAsync()
    {
        var vhost = await LocalStack.TakeVhostAsync(VhostPrefix);
        var name = "functions_mode_" + Guid.NewGuid().ToString("N")[..12];
        await using (var connection = new NpgsqlConnection(TestEnvironment.MainDb))
        {
            await connection.ExecuteAsync($"create database {name}");
        }

        // What Supabase provides and the stack adds to each database (roles' grants, auth.uid(), the publication).
        var database = new NpgsqlConnectionStringBuilder(TestEnvironment.MainDb) { Database = name }.ConnectionString;
        var setup = await File.ReadAllTextAsync(Path.Combine(TestEnvironment.RepoRoot, "scripts", "sql", "supabase-local.sql"));
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await using var connection = new NpgsqlConnection(database);
                await connection.ExecuteAsync(setup);
                break;
            }
            catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.InternalError && attempt < 5)
            {
                // The script grants the cluster-wide Supabase roles; two scenarios setting up their
                // databases at once can race on the same catalog row ("tuple concurrently updated").
                // The script is idempotent: run it again.
                await Task.Delay(200 * attempt);
            }
        }

        return new(vhost, database);
    }

    /// <summary>The app settings of a service: the scenario's database (or <paramref name="database"/>), the scenario's broker (or <paramref name="broker"/>), auth.</summary>
    public Dictionary<string, string?> Settings(string service, string? database = null, string? broker = null) => new()
    {
        [DatabaseSetting(service)] = database ?? Database,
        ["RabbitMQConnection"] = TestEnvironment.RabbitMqFor(service, broker ?? BrokerUri),
        ["SUPABASE_URL"] = "http://127.0.0.1:54321",
        ["SUPABASE_JWT_SECRET"] = TestEnvironment.JwtSecret,
        ["Eventing__RelaySweepIntervalMs"] = "200",
    };

    public static string DatabaseSetting(string service) => service.Replace("Service", string.Empty, StringComparison.Ordinal) + "DbConnection";

    /// <summary>Runs <c>App.dll migrate</c> against the scenario's vhost (with <paramref name="settings"/>, else <see cref="Settings"/>): schemas, then its queues and bindings.</summary>
    public async Task MigrateAsync(string service, IDictionary<string, string?>? settings = null)
    {
        var output = TestEnvironment.AppOutput(service);
        var info = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = output,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(Path.Combine(output, service + ".dll"));
        info.ArgumentList.Add("migrate");
        foreach (var (key, value) in settings ?? Settings(service))
        {
            info.Environment[key] = value;
        }

        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        await process.WaitForExitAsync(timeout.Token);
        Assert.True(process.ExitCode == 0, $"{service} migrate exited with {process.ExitCode}:{Environment.NewLine}{await stdout}{await stderr}");
    }

    /// <summary>Launches a service under the test Functions host (or standalone, to compare) and waits until /api/health is 200.</summary>
    public async Task<ServiceProcess> StartAsync(string service, IDictionary<string, string?>? settings = null, TestHosting hosting = TestHosting.Functions)
    {
        var app = await ServiceProcess.StartAsync(service, settings ?? Settings(service), hosting: hosting);
        _apps.Add(app);
        return app;
    }

    /// <summary>Stops and forgets an app (it is disposed, so its host's failures are checked now).</summary>
    public async Task StopAsync(ServiceProcess app)
    {
        _apps.Remove(app);
        await app.DisposeAsync();
    }

    public static async Task<HttpResponseMessage> SendAsync(ServiceProcess app, HttpMethod method, string path, string? token = null, object? body = null)
    {
        using var request = new HttpRequestMessage(method, path);
        if (body is not null)
        {
            request.Content = new StringContent(JsonSerializer.Serialize(body, Json), Encoding.UTF8, "application/json");
        }

        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        request.Headers.TryAddWithoutValidation("Idempotency-Key", Guid.NewGuid().ToString("N"));
        return await app.Client.SendAsync(request);
    }

    /// <summary>Asserts the status and returns the JSON body; a mismatch shows the body and the app's log.</summary>
    public static async Task<JsonElement> ExpectAsync(ServiceProcess app, HttpResponseMessage response, int status)
    {
        using (response)
        {
            var text = await response.Content.ReadAsStringAsync();
            Assert.True((int)response.StatusCode == status,
                $"Expected {status}, got {(int)response.StatusCode} {response.RequestMessage?.Method} {response.RequestMessage?.RequestUri}: {text}{Environment.NewLine}--- {app.Name} ---{Environment.NewLine}{app.OutputTail}");
            return text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone();
        }
    }

    /// <summary>Polls <paramref name="probe"/> until it is true; fails with <paramref name="what"/> and every app's log.</summary>
    public async Task WaitForAsync(Func<Task<bool>> probe, TimeSpan timeout, string what)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < timeout)
        {
            if (await probe())
            {
                return;
            }

            await Task.Delay(100);
        }

        Assert.Fail($"{what}: not within {timeout.TotalSeconds} s.{Environment.NewLine}{string.Join(Environment.NewLine, _apps.Select(a => $"--- {a.Name} ---{Environment.NewLine}{a.OutputTail}"))}");
    }

    public static async Task<long> CountAsync(string connectionString, string sql, object? parameters = null)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        return await connection.ExecuteScalarAsync<long>(sql, parameters);
    }

    public async ValueTask DisposeAsync()
    {
        var failures = new List<Exception>();
        foreach (var app in _apps)
        {
            try
            {
                await app.DisposeAsync();
            }
            catch (InvalidOperationException ex)
            {
                failures.Add(ex);
            }
        }

        _apps.Clear();
        await using (var connection = new NpgsqlConnection(TestEnvironment.MainDb))
        {
            await connection.ExecuteAsync($"drop database if exists {new NpgsqlConnectionStringBuilder(Database).Database} with (force)");
        }

        if (failures.Count > 0)
        {
            throw new AggregateException(failures);
        }
    }
}
