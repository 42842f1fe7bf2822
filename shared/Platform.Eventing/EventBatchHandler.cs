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
internal sealed class EventBatchHandler(ServiceDatabase database, EventHandlerRegistry handlers, IServiceProvider services, ILogger logger)
{
    private const string Savepoint = "message";

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
                if (!handlers.TryGet(envelope.Type, out var handler))
                {
                    results[i] = (batch[i], new PoisonMessageException($"No handler for '{envelope.Type}' in this service."));
                    continue;
                }

                work.Add(new WorkItem(i, envelope, envelope.ReadData(), handler));
            }
            catch (JsonException ex)
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

    private async Task HandleInTransactionAsync(List<WorkItem> work, (Delivery Delivery, Exception? Failure)[] results, CancellationToken cancellationToken)
    {
        await using var scope = services.CreateAsyncScope();
        await using var uow = await database.BeginAsync(cancellationToken);
        var savepoints = work.Count > 1;
        var anyApplied = false;
        foreach (var item in work)
        {
            var delivery = results[item.Index].Delivery;
            using var activity = EventingTelemetry.StartConsume(
                item.Envelope.Type,
                MessageHeaders.GetString(delivery.Headers, MessageHeaders.TraceParent) ?? item.Envelope.TraceParent,
                item.Envelope.CorrelationId);
            using var logScope = logger.BeginScope(new Dictionary<string, object?>
            {
                ["EventId"] = item.Envelope.Id,
                ["EventType"] = item.Envelope.Type,
                ["CorrelationId"] = item.Envelope.CorrelationId,
                ["Attempt"] = delivery.Attempt,
            });
            if (savepoints)
            {
                await uow.SavepointAsync(Savepoint, cancellationToken);
            }

            try
            {
                var first = await uow.Connection.ExecuteScalarAsync<bool?>(new CommandDefinition(
                    $"insert into {database.Schema}.inbox (message_id, event_type) values (@Id, @Type) on conflict (message_id) do nothing returning true",
                    new { item.Envelope.Id, item.Envelope.Type },
                    uow.Transaction,
                    cancellationToken: cancellationToken));
                if (first == true)
                {
                    await item.Handler(scope.ServiceProvider, item.Payload, new EventContext(item.Envelope, uow, delivery.Attempt), cancellationToken);
                    logger.LogDebug("Handled {EventType} {EventId}", item.Envelope.Type, item.Envelope.Id);
                }
                else
                {
                    logger.LogInformation("Skipped {EventType} {EventId}: already handled", item.Envelope.Type, item.Envelope.Id);
                }

                anyApplied = true;
                if (savepoints)
                {
                    await uow.ReleaseSavepointAsync(Savepoint, cancellationToken);
                }
            }
            catch (Exception ex) when (!TransientFailure.IsTransient(ex) && ex is not OperationCanceledException)
            {
                activity.SetStatus(System.Diagnostics.ActivityStatusCode.Error, ex.Message);
                results[item.Index] = (delivery, ex);
                if (!savepoints)
                {
                    return;
                }

                await uow.RollbackToSavepointAsync(Savepoint, cancellationToken);
            }
        }

        if (anyApplied)
        {
            await uow.CommitAsync(cancellationToken);
        }
    }

    private sealed record WorkItem(
        int Index,
        CloudEvent Envelope,
        IIntegrationEvent Payload,
        Func<IServiceProvider, IIntegrationEvent, EventContext, CancellationToken, Task> Handler);
}
