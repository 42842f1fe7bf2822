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
            var builder = new NpgsqlDataSourceBuilder(Tune(raw, app.ServiceName));
            Secure(builder, app.Configuration[RootCertificateSetting], app.RequiresSecureTransport, connectionSetting);
            var dataSource = builder.Build();
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

    /// <summary>The CA certificate (PEM, or its base64 body) that signed the database server's certificate.</summary>
    public const string RootCertificateSetting = "Database:RootCertificate";

    /// <summary>
    /// TLS to the database. With <see cref="RootCertificateSetting"/> set (Supabase signs its servers'
    /// certificates with its own CA, which no system trusts), the server's certificate is checked against
    /// that CA. A running app outside Development requires <c>SSL Mode=VerifyFull</c>: <c>Require</c>
    /// encrypts but accepts any certificate, so anyone on the path could pose as the database.
    /// </summary>
    public static void Secure(NpgsqlDataSourceBuilder builder, string? rootCertificate, bool requireVerifiedTls, string connectionSetting)
    {
        if (!string.IsNullOrWhiteSpace(rootCertificate))
        {
            builder.UseRootCertificate(LoadCertificate(rootCertificate));
        }

        var mode = builder.ConnectionStringBuilder.SslMode;
        if (requireVerifiedTls && mode != SslMode.VerifyFull)
        {
            throw new InvalidOperationException(
                $"{connectionSetting} must use SSL Mode=VerifyFull outside the Development environment (it has {mode}: the database server's certificate "
                + "would not be checked). For Supabase also set Database__RootCertificate to its CA certificate: Dashboard → Project Settings → Database → "
                + "SSL Configuration → Download certificate.");
        }
    }

    /// <summary>A certificate given as PEM text (newlines optional, as app settings often lose them) or as the base64 of its DER bytes.</summary>
    public static System.Security.Cryptography.X509Certificates.X509Certificate2 LoadCertificate(string text)
    {
        var body = text.Replace("-----BEGIN CERTIFICATE-----", string.Empty, StringComparison.Ordinal)
            .Replace("-----END CERTIFICATE-----", string.Empty, StringComparison.Ordinal);
        body = string.Concat(body.Where(c => !char.IsWhiteSpace(c)));
        try
        {
            return System.Security.Cryptography.X509Certificates.X509CertificateLoader.LoadCertificate(Convert.FromBase64String(body));
        }
        catch (Exception ex) when (ex is FormatException or System.Security.Cryptography.CryptographicException)
        {
            throw new InvalidOperationException("Database__RootCertificate is not a certificate: give the PEM text of the CA certificate (one certificate).", ex);
        }
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
