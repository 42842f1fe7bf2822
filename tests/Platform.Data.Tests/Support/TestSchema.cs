using System.Reflection;
using System.Security.Cryptography;
using Dapper;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using Platform.Testing;

namespace Platform.Data.Tests.Support;

/// <summary>
/// A throwaway schema in the real test database (<c>t_</c> + random hex), dropped on dispose.
/// The test migrations in this assembly create <c>{schema}.widgets</c>.
/// </summary>
public sealed class TestSchema : IAsyncDisposable
{
    static TestSchema()
    {
        // As DatabaseSetup.AddServiceDatabase does for every service: snake_case columns map to PascalCase members.
        DefaultTypeMap.MatchNamesWithUnderscores = true;
    }

    private TestSchema(NpgsqlDataSource dataSource)
    {
        DataSource = dataSource;
        Database = new ServiceDatabase(dataSource, Name);
    }

    public string Name { get; } = "t_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8));

    public NpgsqlDataSource DataSource { get; }

    public ServiceDatabase Database { get; }

    /// <summary>A fresh, empty schema name; nothing is created until migrations run.</summary>
    public static TestSchema Create() => new(NpgsqlDataSource.Create(TestEnvironment.MainDb));

    /// <summary>A schema with the platform tables and the test migrations applied.</summary>
    public static async Task<TestSchema> CreateMigratedAsync()
    {
        var schema = Create();
        await schema.Runner().ApplyAsync(CancellationToken.None);
        return schema;
    }

    public MigrationRunner Runner(Assembly? serviceAssembly = null, ServiceDatabase? database = null) =>
        new(database ?? Database, serviceAssembly ?? typeof(TestSchema).Assembly, NullLogger<MigrationRunner>.Instance);

    public async Task<T?> ScalarAsync<T>(string sql, object? args = null)
    {
        await using var connection = await DataSource.OpenConnectionAsync();
        return await connection.ExecuteScalarAsync<T>(sql.Replace("{schema}", Name, StringComparison.Ordinal), args);
    }

    public async Task<List<T>> QueryAsync<T>(string sql, object? args = null)
    {
        await using var connection = await DataSource.OpenConnectionAsync();
        return (await connection.QueryAsync<T>(sql.Replace("{schema}", Name, StringComparison.Ordinal), args)).AsList();
    }

    public async Task ExecuteAsync(string sql, object? args = null)
    {
        await using var connection = await DataSource.OpenConnectionAsync();
        await connection.ExecuteAsync(sql.Replace("{schema}", Name, StringComparison.Ordinal), args);
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await ExecuteAsync("drop schema if exists {schema} cascade");
        }
        finally
        {
            await DataSource.DisposeAsync();
        }
    }
}
