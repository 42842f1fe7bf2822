using Npgsql;

namespace Platform.Data;

/// <summary>
/// One service's database: its pooled data source and the schema that holds its tables. Every
/// service is configured on its own, so any of them can move to its own database.
/// </summary>
public sealed class ServiceDatabase(NpgsqlDataSource dataSource, string schema)
{
    public NpgsqlDataSource DataSource { get; } = dataSource;

    public string Schema { get; } = schema;

    public ValueTask<NpgsqlConnection> OpenAsync(CancellationToken cancellationToken = default) =>
        DataSource.OpenConnectionAsync(cancellationToken);

    /// <summary>Opens a connection and begins a read-committed transaction.</summary>
    public async Task<UnitOfWork> BeginAsync(CancellationToken cancellationToken = default)
    {
        var connection = await DataSource.OpenConnectionAsync(cancellationToken);
        try
        {
            var transaction = await connection.BeginTransactionAsync(cancellationToken);
            return new UnitOfWork(connection, transaction);
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }
}

/// <summary>A connection with an open transaction: a service's change (and later its events) commit together.</summary>
public sealed class UnitOfWork(NpgsqlConnection connection, NpgsqlTransaction transaction) : IAsyncDisposable
{
    private bool _completed;

    public NpgsqlConnection Connection { get; } = connection;

    public NpgsqlTransaction Transaction { get; } = transaction;

    public async Task CommitAsync(CancellationToken cancellationToken = default)
    {
        await Transaction.CommitAsync(cancellationToken);
        _completed = true;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_completed && Transaction.Connection is not null)
        {
            try
            {
                await Transaction.RollbackAsync();
            }
            catch (NpgsqlException)
            {
                // The connection is broken; the server rolls back on its own.
            }
        }

        await Transaction.DisposeAsync();
        await Connection.DisposeAsync();
    }
}
