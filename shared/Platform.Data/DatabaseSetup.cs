using System.Reflection;
using System.Text.RegularExpressions;
using Dapper;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Platform.Hosting.Health;
using Platform.Hosting.Hosting;

namespace Platform.Data;

public static partial class DatabaseSetup
{
    /// <summary>
    /// Registers the service's database from the connection string in <paramref name="connectionSetting"/>,
    /// its migrations (embedded <c>Migrations/*.sql</c> of the calling assembly), the database health
    /// probe, idempotent writes, and 503 for database outages.
    /// </summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    public static PlatformApplication AddServiceDatabase(this PlatformApplication app, string connectionSetting, string schema)
    {
        if (!SchemaName().IsMatch(schema))
        {
            throw new ArgumentException("A schema name is lower-case letters, digits and underscores.", nameof(schema));
        }

        var migrationsAssembly = Assembly.GetCallingAssembly();
        DefaultTypeMap.MatchNamesWithUnderscores = true;
        TransientFailure.Register(IsTransient);
        ExceptionMapping.Register(ToClientError);

        app.Services.AddSingleton(sp =>
        {
            var raw = app.Configuration[connectionSetting] ?? app.Configuration.GetConnectionStringOrNull(connectionSetting)
                ?? throw new InvalidOperationException($"Set {connectionSetting} to the service's PostgreSQL connection string.");
            var dataSource = new NpgsqlDataSourceBuilder(Tune(raw, app.ServiceName)).Build();
            var outbox = new OutboxContext("/" + app.ServiceName, sp.GetRequiredService<OutboxSignal>(), sp.GetRequiredService<TimeProvider>());
            return new ServiceDatabase(dataSource, schema, outbox);
        });
        app.Services.AddSingleton<OutboxSignal>();
        app.Services.AddSingleton(new RetentionOptions());
        if (!app.Mode.IsCommand())
        {
            app.Services.AddHostedService<RetentionSweeper>();
        }

        app.Services.AddSingleton<IHealthProbe, DatabaseHealthProbe>();
        app.Services.AddSingleton<IdempotentWrites>();
        app.Services.AddSingleton<IMigrationCommand>(sp => new MigrationRunner(
            sp.GetRequiredService<ServiceDatabase>(),
            migrationsAssembly,
            sp.GetRequiredService<Microsoft.Extensions.Logging.ILogger<MigrationRunner>>()));
        return app;
    }

    /// <summary>
    /// Settings that work both directly and through Supabase's transaction pooler (port 6543):
    /// no connection reset on return to the pool, and no prepared statements through the pooler.
    /// </summary>
    public static string Tune(string connectionString, string applicationName)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        var explicitKeys = new HashSet<string>(
            connectionString.Split(';', StringSplitOptions.RemoveEmptyEntries).Select(p => p.Split('=')[0].Trim().Replace(" ", string.Empty, StringComparison.Ordinal)),
            StringComparer.OrdinalIgnoreCase);
        if (!explicitKeys.Contains("NoResetOnClose"))
        {
            builder.NoResetOnClose = true;
        }

        if (builder.Port == 6543)
        {
            builder.MaxAutoPrepare = 0;
        }
        else if (!explicitKeys.Contains("MaxAutoPrepare"))
        {
            builder.MaxAutoPrepare = 20;
        }

        if (!explicitKeys.Contains("Timeout"))
        {
            builder.Timeout = 5;
        }

        if (!explicitKeys.Contains("CommandTimeout"))
        {
            builder.CommandTimeout = 15;
        }

        if (string.IsNullOrEmpty(builder.ApplicationName))
        {
            builder.ApplicationName = applicationName;
        }

        return builder.ConnectionString;
    }

    /// <summary>Database failures that a retry can fix: the server is unreachable, restarting or full.</summary>
    public static bool IsTransient(Exception exception) => exception switch
    {
        PostgresException pg => pg.SqlState.StartsWith("08", StringComparison.Ordinal)
            || pg.SqlState is "57P01" or "57P02" or "57P03" or "53300" or "40001" or "40P01",
        NpgsqlException npgsql => npgsql.IsTransient || npgsql.InnerException is System.Net.Sockets.SocketException or IOException or TimeoutException,
        InvalidOperationException ioe => ioe.Message.Contains("connection pool", StringComparison.OrdinalIgnoreCase),
        _ => IsLostProtocolSync(exception),
    };

    /// <summary>
    /// Npgsql lost protocol sync with the server and broke (closed) the connection: a plain
    /// <see cref="Exception"/> thrown by Npgsql, "Received unexpected backend message … Please file a bug."
    /// Seen with Npgsql's open issue #6391: a statement that fails in the very execution that
    /// auto-prepares it leaves that connection's prepared statement corrupt, and the next use of the
    /// same SQL on it ends like this. Nothing of that request was committed, and the broken connection
    /// has left the pool, so a retry works.
    /// </summary>
    public static bool IsLostProtocolSync(Exception exception) =>
        exception.GetType() == typeof(Exception)
        && exception.Source == "Npgsql"
        && exception.Message.StartsWith("Received unexpected backend message", StringComparison.Ordinal);

    /// <summary>A constraint the request broke, as a 4xx: the database is the last line of validation.</summary>
    public static Platform.Hosting.Http.ApiResponse? ToClientError(Exception exception) => exception switch
    {
        PostgresException { SqlState: "23505" } => Platform.Hosting.Http.Problems.Conflict("The request conflicts with existing data."),
        PostgresException { SqlState: "23503" } => Platform.Hosting.Http.Problems.Conflict("The request refers to something that does not exist (any more)."),
        PostgresException pg when pg.SqlState.StartsWith("22", StringComparison.Ordinal) || pg.SqlState is "23514" or "23502" =>
            Platform.Hosting.Http.Problems.BadRequest("A value in the request is out of range or malformed."),
        _ => null,
    };

    private static string? GetConnectionStringOrNull(this Microsoft.Extensions.Configuration.IConfiguration configuration, string name) =>
        configuration.GetSection("ConnectionStrings")[name];

    [GeneratedRegex("^[a-z_][a-z0-9_]{0,62}$")]
    private static partial Regex SchemaName();
}
