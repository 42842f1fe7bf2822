using Npgsql;
using Platform.Contracts;

namespace Platform.Data;

/// <summary>
/// One service's database: its pooled data source and the schema that holds its tables. Every
/// service is configured on its own, so any of them can move to its own database.
/// </summary>
public sealed class ServiceDatabase(NpgsqlDataSource dataSource, string schema, OutboxContext? outbox = null)
{
    public NpgsqlDataSource DataSource { get; } = dataSource;

    public string Schema { get; } = schema;

    public OutboxContext Outbox { get; } = outbox ?? OutboxContext.Unconfigured;

    public ValueTask<NpgsqlConnection> OpenAsync(CancellationToken cancellationToken = default) =>
        DataSource.OpenConnectionAsync(cancellationToken);

    /// <summary>Opens a connection and begins a read-committed transaction.</summary>
    public async Task<UnitOfWork> BeginAsync(CancellationToken cancellationToken = default)
    {
        var connection = await DataSource.OpenConnectionAsync(cancellationToken);
        try
        {
            var transaction = await connection.BeginTransactionAsync(cancellationToken);
            return new UnitOfWork(connection, transaction, this);
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }
}

/// <summary>
/// A connection with an open transaction: a service's change and the events it publishes commit
/// together (transactional outbox), or not at all.
/// </summary>
public sealed class UnitOfWork(NpgsqlConnection connection, NpgsqlTransaction transaction, ServiceDatabase database) : IAsyncDisposable
{
    private readonly List<IIntegrationEvent> _events = [];
    private readonly Dictionary<string, int> _savepoints = new(StringComparer.Ordinal);
    private List<Action>? _afterCommit;
    private bool _completed;

    public NpgsqlConnection Connection { get; } = connection;

    public NpgsqlTransaction Transaction { get; } = transaction;

    /// <summary>Events queued so far; they are written to the outbox when the unit commits.</summary>
    public IReadOnlyList<IIntegrationEvent> PendingEvents => _events;

    /// <summary>Queues an event: it reaches the outbox in this transaction and the broker after commit.</summary>
    public void Publish(IIntegrationEvent integrationEvent) => _events.Add(integrationEvent);

    /// <summary>Runs an action once the transaction has committed (never when it rolls back).</summary>
    public void AfterCommit(Action action) => (_afterCommit ??= []).Add(action);

    /// <summary>Marks a point to roll back to, with the events queued so far.</summary>
    public async Task SavepointAsync(string name, CancellationToken cancellationToken = default)
    {
        await Transaction.SaveAsync(name, cancellationToken);
        _savepoints[name] = _events.Count;
    }

    /// <summary>Undoes the changes and forgets the events queued since the savepoint.</summary>
    public async Task RollbackToSavepointAsync(string name, CancellationToken cancellationToken = default)
    {
        await Transaction.RollbackAsync(name, cancellationToken);
        if (_savepoints.Remove(name, out var count) && count < _events.Count)
        {
            _events.RemoveRange(count, _events.Count - count);
        }
    }

    public async Task ReleaseSavepointAsync(string name, CancellationToken cancellationToken = default)
    {
        await Transaction.ReleaseAsync(name, cancellationToken);
        _savepoints.Remove(name);
    }

    public async Task CommitAsync(CancellationToken cancellationToken = default)
    {
        if (_events.Count > 0)
        {
            // The events' rows and the commit go in one round trip.
            await OutboxWriter.WriteAndCommitAsync(Connection, Transaction, database.Schema, database.Outbox, _events, cancellationToken);
        }
        else
        {
            await Transaction.CommitAsync(cancellationToken);
        }

        _completed = true;
        foreach (var action in _afterCommit ?? [])
        {
            action();
        }

        if (_events.Count > 0)
        {
            database.Outbox.Signal.Notify();
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!_completed && Connection.FullState == System.Data.ConnectionState.Open)
            {
                await Transaction.RollbackAsync();
            }
        }
        catch (Exception ex) when (ex is NpgsqlException or ObjectDisposedException or InvalidOperationException)
        {
            // The connection broke (e.g. the server restarted): the server has rolled back already.
        }
        finally
        {
            try
            {
                await Transaction.DisposeAsync();
            }
            catch (Exception ex) when (ex is NpgsqlException or ObjectDisposedException or InvalidOperationException)
            {
                // Same: nothing left to undo.
            }

            await Connection.DisposeAsync();
        }
    }
}
