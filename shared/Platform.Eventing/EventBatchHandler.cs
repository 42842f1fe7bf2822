using System.Text.Json;
using Dapper;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Platform.Contracts;
using Platform.Data;
using Platform.Hosting.Hosting;

namespace Platform.Eventing;

/// <summary>
/// Handles a batch of deliveries in one transaction: per message an inbox row plus the handler's
/// effects (and the events it publishes), each under a savepoint. A message whose id is already in
/// the inbox is a duplicate and has no effect. Database outages retry the whole batch with back-off
/// (nothing is acknowledged meanwhile); a handler's own error fails only its message.
/// </summary>
internal sealed class EventBatchHandler(
    ServiceDatabase database, EventHandlerRegistry handlers, IServiceProvider services, ILogger logger, RetentionOptions retention, TimeProvider clock, PublisherCheck? publishers = null)
{
    private const string Savepoint = "message";

    /// <summary>
    /// How old (since the relay published it) a message may be and still be handled: the inbox keeps a
    /// handled message's id for <see cref="RetentionOptions.Inbox"/>, less a day of margin. An older one
    /// (re-queued from parking weeks later, say) might have been handled already with no record left,
    /// so it is parked with that reason instead of being applied a second time.
    /// </summary>
    public TimeSpan DeduplicationWindow { get; } = retention.Inbox - TimeSpan.FromDays(1);

    public async Task<IReadOnlyList<(Delivery Delivery, Exception? Failure)>> HandleAsync(IReadOnlyList<Delivery> batch, CancellationToken cancellationToken)
    {
        var results = new (Delivery Delivery, Exception? Failure)[batch.Count];
        var work = new List<WorkItem>(batch.Count);
        for (var i = 0; i < batch.Count; i++)
        {
            results[i] = (batch[i], null);
            try
            {
                var envelope = CloudEvent.Parse(batch[i].Body);
                if (!EventCatalog.TryGetType(envelope.Type, out _))
                {
                    results[i] = (batch[i], new PoisonMessageException($"'{envelope.Type}' is not an event of the catalogue."));
                    continue;
                }

                if (publishers?.Refusal(envelope.Type, envelope.Source, batch[i].AppId, batch[i].UserId, batch[i].OriginalUserId) is { } refusal)
                {
                    // Parked at once, with the reason, like any poison message: nothing of it is applied.
                    results[i] = (batch[i], new PoisonMessageException("Refused: " + refusal));
                    continue;
                }

                if (batch[i].Published is { } published && clock.GetUtcNow() - published > DeduplicationWindow)
                {
                    results[i] = (batch[i], new PoisonMessageException(
                        $"Published {published:O}, longer ago than the inbox remembers handled messages ({DeduplicationWindow.TotalDays:0.#} days): "
                        + "it may have been handled already, so it is not applied again. Check its effect by hand before publishing it anew."));
                    continue;
                }

                if (!handlers.TryGet(envelope.Type, out var handler))
                {
                    // Not poison: during a rolling deployment an older instance may get an event that only the
                    // newer one handles. It goes through the retries, and is parked only if nobody takes it.
                    results[i] = (batch[i], new InvalidOperationException($"No handler for '{envelope.Type}' in this instance."));
                    continue;
                }

                work.Add(new WorkItem(i, envelope, envelope.ReadData(), handler));
            }
            catch (Exception ex) when (ex is JsonException or InvalidOperationException or NotSupportedException or ArgumentException or FormatException)
            {
                results[i] = (batch[i], new PoisonMessageException("The message is not a valid CloudEvents envelope of the catalogue: " + ex.Message, ex));
            }
        }

        for (var failures = 1; work.Count > 0; failures++)
        {
            try
            {
                await HandleInTransactionAsync(work, results, cancellationToken);
                break;
            }
            catch (Exception ex) when (TransientFailure.IsTransient(ex) && !cancellationToken.IsCancellationRequested)
            {
                var delay = TimeSpan.FromMilliseconds(Math.Min(15_000, 200 * Math.Pow(2, Math.Min(failures, 7))));
                logger.LogWarning(ex, "A batch of {Count} events could not be handled ({Failures} in a row); retrying in {Delay} ms", work.Count, failures, (int)delay.TotalMilliseconds);
                foreach (var item in work)
                {
                    results[item.Index] = (batch[item.Index], null);
                }

                await Task.Delay(delay, cancellationToken);
            }
        }

        return results;
    }

    /// <summary>
    /// The fast path: one statement records every message of the batch in the inbox, the handlers of
    /// the new ones run, one commit. Only when a handler fails is the batch redone message by message
    /// under savepoints, so that the failure undoes nothing but its own message.
    /// </summary>
    private async Task HandleInTransactionAsync(List<WorkItem> work, (Delivery Delivery, Exception? Failure)[] results, CancellationToken cancellationToken)
    {
        await using (var scope = services.CreateAsyncScope())
        await using (var uow = await database.BeginAsync(cancellationToken))
        {
            var fresh = await RecordAsync(uow, work, cancellationToken);
            var failed = false;
            foreach (var item in work)
            {
                if (!fresh.Remove(item.Envelope.Id))
                {
                    logger.LogInformation("Skipped {EventType} {EventId}: already handled", item.Envelope.Type, item.Envelope.Id);
                    continue;
                }

                if (await RunHandlerAsync(scope.ServiceProvider, uow, item, results, cancellationToken) is not null)
                {
                    failed = true;
                    break;
                }
            }

            if (!failed)
            {
                await uow.CommitAsync(cancellationToken);
                return;
            }
        }

        await HandleOneByOneAsync(work, results, cancellationToken);
    }

    private async Task HandleOneByOneAsync(List<WorkItem> work, (Delivery Delivery, Exception? Failure)[] results, CancellationToken cancellationToken)
    {
        await using var scope = services.CreateAsyncScope();
        await using var uow = await database.BeginAsync(cancellationToken);
        foreach (var item in work)
        {
            if (results[item.Index].Failure is not null)
            {
                // It failed in the batch already: not run twice, it goes to its retry.
                continue;
            }

            await uow.SavepointAsync(Savepoint, cancellationToken);
            var fresh = await RecordAsync(uow, [item], cancellationToken);
            if (fresh.Count == 0 || await RunHandlerAsync(scope.ServiceProvider, uow, item, results, cancellationToken) is null)
            {
                await uow.ReleaseSavepointAsync(Savepoint, cancellationToken);
            }
            else
            {
                await uow.RollbackToSavepointAsync(Savepoint, cancellationToken);
            }
        }

        await uow.CommitAsync(cancellationToken);
    }

    /// <summary>Inserts the inbox rows of the items; returns the ids that were not there yet.</summary>
    private async Task<HashSet<string>> RecordAsync(UnitOfWork uow, IReadOnlyList<WorkItem> items, CancellationToken cancellationToken)
    {
        var ids = await uow.Connection.QueryAsync<string>(new CommandDefinition(
            $"""
            insert into {database.Schema}.inbox (message_id, event_type)
            select * from unnest(@ids, @types)
            on conflict (message_id) do nothing
            returning message_id
            """,
            new { ids = items.Select(i => i.Envelope.Id).ToArray(), types = items.Select(i => i.Envelope.Type).ToArray() },
            uow.Transaction,
            cancellationToken: cancellationToken));
        return ids.ToHashSet(StringComparer.Ordinal);
    }

    /// <summary>Runs one handler in its trace and log scope; returns its failure, if it failed for a reason of its own.</summary>
    private async Task<Exception?> RunHandlerAsync(
        IServiceProvider scope, UnitOfWork uow, WorkItem item, (Delivery Delivery, Exception? Failure)[] results, CancellationToken cancellationToken)
    {
        var delivery = results[item.Index].Delivery;
        using var activity = EventingTelemetry.StartConsume(
            item.Envelope.Type,
            MessageHeaders.GetString(delivery.Headers, MessageHeaders.TraceParent) ?? item.Envelope.TraceParent,
            item.Envelope.CorrelationId);
        using var logScope = logger.BeginScope(new EventLogScope(item.Envelope.Id, item.Envelope.Type, item.Envelope.CorrelationId, delivery.Attempt));
        try
        {
            await item.Handler(scope, item.Payload, new EventContext(item.Envelope, uow, delivery.Attempt), cancellationToken);
            return null;
        }
        catch (Exception ex) when (!TransientFailure.IsTransient(ex) && ex is not OperationCanceledException)
        {
            activity.SetStatus(System.Diagnostics.ActivityStatusCode.Error, ex.Message);
            results[item.Index] = (delivery, ex);
            return ex;
        }
    }

    /// <summary>The log scope of a handler: structured fields, no dictionary per message.</summary>
    private sealed record EventLogScope(string EventId, string EventType, string? CorrelationId, int Attempt) : IReadOnlyList<KeyValuePair<string, object?>>
    {
        public int Count => 4;

        public KeyValuePair<string, object?> this[int index] => index switch
        {
            0 => new("EventId", EventId),
            1 => new("EventType", EventType),
            2 => new("CorrelationId", CorrelationId),
            _ => new("Attempt", Attempt),
        };

        public IEnumerator<KeyValuePair<string, object?>> GetEnumerator()
        {
            for (var i = 0; i < Count; i++)
            {
                yield return this[i];
            }
        }

        System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();

        public override string ToString() => $"EventId:{EventId} EventType:{EventType} CorrelationId:{CorrelationId} Attempt:{Attempt}";
    }

    private sealed record WorkItem(
        int Index,
        CloudEvent Envelope,
        IIntegrationEvent Payload,
        Func<IServiceProvider, IIntegrationEvent, EventContext, CancellationToken, Task> Handler);
}
