using System.Reflection;
using System.Security.Cryptography;
using System.Text;
using Dapper;
using Microsoft.Extensions.Logging;
using Platform.Hosting.Hosting;

namespace Platform.Data;

/// <summary>
/// Applies a service's SQL migrations in order, each in its own transaction, recording them in
/// <c>{schema}.schema_migrations</c>. The platform's own tables (idempotency keys, outbox, inbox)
/// come first, then the service's <c>Migrations/*.sql</c>. Concurrent runners serialise on an
/// advisory transaction lock, which also works through Supabase's transaction pooler.
/// </summary>
public sealed class MigrationRunner(ServiceDatabase database, Assembly serviceAssembly, ILogger<MigrationRunner> logger) : IMigrationCommand
{
    public sealed record Migration(string Version, string Sql)
    {
        public string Checksum { get; } = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(Sql)));
    }

    public async Task<int> RunAsync(string[] args, CancellationToken cancellationToken)
    {
        try
        {
            var applied = await ApplyAsync(cancellationToken);
            logger.LogInformation("Schema {Schema}: {Applied} migrations applied, database up to date", database.Schema, applied);
            return 0;
        }
        catch (Exception ex) when (ex is Npgsql.NpgsqlException or InvalidOperationException)
        {
            logger.LogError(ex, "Migrating schema {Schema} failed", database.Schema);
            return 1;
        }
    }

    public IReadOnlyList<Migration> Discover() =>
        Load(typeof(MigrationRunner).Assembly, "platform-")
            .Concat(Load(serviceAssembly, string.Empty))
            .ToList();

    /// <summary>Applies what is missing; returns how many migrations ran.</summary>
    public async Task<int> ApplyAsync(CancellationToken cancellationToken)
    {
        await PrepareAsync(cancellationToken);
        var count = 0;
        foreach (var migration in Discover())
        {
            await using var uow = await database.BeginAsync(cancellationToken);
            var connection = uow.Connection;
            await LockAsync(uow, cancellationToken);
            var existing = await connection.QuerySingleOrDefaultAsync<string>(
                $"select checksum from {database.Schema}.schema_migrations where version = @Version",
                new { migration.Version },
                uow.Transaction);
            if (existing is not null)
            {
                if (existing != migration.Checksum)
                {
                    throw new InvalidOperationException(
                        $"Migration {migration.Version} was changed after it was applied to {database.Schema}; add a new migration instead.");
                }

                continue;
            }

            logger.LogInformation("Applying {Schema} migration {Version}", database.Schema, migration.Version);
            await connection.ExecuteAsync(migration.Sql, transaction: uow.Transaction, commandTimeout: 300);
            await connection.ExecuteAsync(
                $"insert into {database.Schema}.schema_migrations (version, checksum) values (@Version, @Checksum)",
                new { migration.Version, migration.Checksum },
                uow.Transaction);
            await uow.CommitAsync(cancellationToken);
            count++;
        }

        return count;
    }

    /// <summary>The schema and the migrations table, committed on their own (applied migrations commit nothing).</summary>
    private async Task PrepareAsync(CancellationToken cancellationToken)
    {
        await using var uow = await database.BeginAsync(cancellationToken);
        // Lock first: two runners creating the schema at once would collide in pg_namespace.
        await LockAsync(uow, cancellationToken);
        await uow.Connection.ExecuteAsync(
            $"""
            create schema if not exists {database.Schema};
            create table if not exists {database.Schema}.schema_migrations (
                version text primary key,
                checksum text not null,
                applied_at timestamptz not null default now());
            alter table {database.Schema}.schema_migrations enable row level security;
            """,
            transaction: uow.Transaction);
        await uow.CommitAsync(cancellationToken);
    }

    private Task LockAsync(UnitOfWork uow, CancellationToken cancellationToken) =>
        uow.Connection.ExecuteAsync(new CommandDefinition(
            "select pg_advisory_xact_lock(hashtext(@key))",
            new { key = "migrations:" + database.Schema },
            uow.Transaction,
            cancellationToken: cancellationToken));

    private IEnumerable<Migration> Load(Assembly assembly, string prefix)
    {
        const string marker = ".Migrations.";
        return assembly.GetManifestResourceNames()
            .Where(n => n.Contains(marker, StringComparison.Ordinal) && n.EndsWith(".sql", StringComparison.Ordinal))
            .Select(n =>
            {
                var file = n[(n.IndexOf(marker, StringComparison.Ordinal) + marker.Length)..^".sql".Length];
                using var stream = assembly.GetManifestResourceStream(n)!;
                using var reader = new StreamReader(stream, Encoding.UTF8);
                return new Migration(prefix + file, reader.ReadToEnd().Replace("{schema}", database.Schema, StringComparison.Ordinal));
            })
            .OrderBy(m => m.Version, StringComparer.Ordinal);
    }
}
