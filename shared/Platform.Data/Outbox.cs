using System.Diagnostics;
using Npgsql;
using Platform.Contracts;

namespace Platform.Data;

/// <summary>Wakes the outbox relay as soon as a transaction with events has committed.</summary>
public sealed class OutboxSignal
{
    private readonly SemaphoreSlim _signal = new(0, 1);

    public void Notify()
    {
        try
        {
            if (_signal.CurrentCount == 0)
            {
                _signal.Release();
            }
        }
        catch (SemaphoreFullException)
        {
            // Already signalled: the relay will look once for all of them.
        }
    }

    /// <summary>Waits for a signal or the timeout; true when signalled.</summary>
    public Task<bool> WaitAsync(TimeSpan timeout, CancellationToken cancellationToken) => _signal.WaitAsync(timeout, cancellationToken);
}

/// <summary>What the outbox needs to know about the service that writes it.</summary>
public sealed record OutboxContext(string Source, OutboxSignal Signal, TimeProvider Clock)
{
    public static readonly OutboxContext Unconfigured = new("/unknown", new OutboxSignal(), TimeProvider.System);
}

/// <summary>Writes the outbox rows of a unit of work, inside its transaction.</summary>
internal static class OutboxWriter
{
    private const string CorrelationBaggage = Platform.Hosting.Hosting.Correlation.BaggageName;

    /// <summary>
    /// Inserts the outbox rows and commits, in one round trip: the batch ends with <c>commit</c>, which
    /// the server runs only if every insert succeeded (an error skips the rest of the batch, and the
    /// transaction is then rolled back). Npgsql sees the transaction end from the server's reply.
    /// </summary>
    public static async Task WriteAndCommitAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string schema, OutboxContext context, IReadOnlyList<IIntegrationEvent> events, CancellationToken cancellationToken)
    {
        var activity = Activity.Current;
        var traceParent = activity is { IdFormat: ActivityIdFormat.W3C } ? activity.Id : null;
        var correlationId = activity?.GetBaggageItem(CorrelationBaggage) ?? activity?.TraceId.ToHexString();
        var now = context.Clock.GetUtcNow();
        await using var batch = new NpgsqlBatch(connection, transaction);
        foreach (var payload in events)
        {
            var envelope = CloudEvent.Wrap(payload, context.Source, now, correlationId: correlationId, traceParent: traceParent);
            var command = new NpgsqlBatchCommand($"insert into {schema}.outbox (event_id, event_type, envelope) values ($1, $2, $3)");
            command.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = Guid.Parse(envelope.Id) });
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = envelope.Type });
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = System.Text.Encoding.UTF8.GetString(envelope.ToUtf8Bytes()) });
            batch.BatchCommands.Add(command);
        }

        batch.BatchCommands.Add(new NpgsqlBatchCommand("commit"));
        await batch.ExecuteNonQueryAsync(cancellationToken);
    }
}
