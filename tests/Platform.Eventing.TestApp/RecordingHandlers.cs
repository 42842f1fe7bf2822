using System.Diagnostics;
using System.Text.Json;
using Dapper;
using Microsoft.Extensions.Logging;
using Platform.Contracts;
using Platform.Data;
using Platform.Hosting.Hosting;

namespace Platform.Eventing.TestApp;

public static class RecordingHandlers
{
    /// <summary>Registers <see cref="RecordingHandler{TEvent}"/> for every event type the app handles.</summary>
    public static void Register(EventHandlerRegistry registry, TestAppSettings settings)
    {
        var handle = typeof(EventHandlerRegistry).GetMethod(nameof(EventHandlerRegistry.Handle))
            ?? throw new InvalidOperationException("EventHandlerRegistry.Handle<TEvent, THandler>() is missing.");
        foreach (var name in settings.Types.Order(StringComparer.Ordinal))
        {
            if (!EventCatalog.TryGetType(name, out var type))
            {
                throw new InvalidOperationException($"{name} is not in the catalogue.");
            }

            handle.MakeGenericMethod(type, typeof(RecordingHandler<>).MakeGenericType(type)).Invoke(registry, null);
        }
    }
}

/// <summary>Thrown by the handler of a type listed in <c>TESTAPP_FAIL_TYPES</c>.</summary>
public sealed class TestHandlerFailureException(string message) : Exception(message);

/// <summary>
/// Records each attempt on its own connection (so it survives a rollback), then writes the event
/// into <c>handled</c> through the inbox's transaction: the row commits with the inbox row or not at all.
/// </summary>
public sealed class RecordingHandler<TEvent>(
    ServiceDatabase database,
    TestAppSettings settings,
    ServiceIdentity identity,
    ILogger<RecordingHandler<TEvent>> logger) : IEventHandler<TEvent>
    where TEvent : IIntegrationEvent
{
    public async Task HandleAsync(TEvent message, EventContext context, CancellationToken cancellationToken)
    {
        var envelope = context.Envelope;
        await using (var connection = await database.OpenAsync(cancellationToken))
        {
            await connection.ExecuteAsync(new CommandDefinition(
                $"insert into {database.Schema}.attempts (event_id, event_type, attempt, handled_by) values (@Id, @Type, @Attempt, @By)",
                new { envelope.Id, envelope.Type, context.Attempt, By = identity.Name },
                cancellationToken: cancellationToken));
        }

        if (settings.FailTypes.Contains(envelope.Type))
        {
            logger.LogInformation("TESTAPP failing {EventType} {EventId} attempt {Attempt}", envelope.Type, envelope.Id, context.Attempt);
            throw new TestHandlerFailureException($"TESTAPP_FAIL_TYPES: {envelope.Type} always fails (attempt {context.Attempt})");
        }

        var activity = Activity.Current;
        await context.Work.Connection.ExecuteAsync(new CommandDefinition(
            $"""
            insert into {database.Schema}.handled
                (event_id, event_type, source, clr_type, data, payload, correlation_id, traceparent, trace_id, baggage_correlation_id, attempt, handled_by)
            values
                (@Id, @Type, @Source, @ClrType, @Data::jsonb, @Payload::jsonb, @CorrelationId, @TraceParent, @TraceId, @Baggage, @Attempt, @By)
            """,
            new
            {
                envelope.Id,
                envelope.Type,
                envelope.Source,
                ClrType = message.GetType().FullName,
                Data = envelope.Data.GetRawText(),
                Payload = JsonSerializer.Serialize(message, message.GetType(), EventJson.Options),
                envelope.CorrelationId,
                envelope.TraceParent,
                TraceId = activity?.TraceId.ToHexString(),
                Baggage = activity?.GetBaggageItem(Correlation.BaggageName),
                context.Attempt,
                By = identity.Name,
            },
            context.Work.Transaction,
            cancellationToken: cancellationToken));

        if (settings.HandlerDelay > TimeSpan.Zero)
        {
            logger.LogInformation("TESTAPP in handler of {EventType} {EventId}: sleeping {Delay} ms before the commit", envelope.Type, envelope.Id, (int)settings.HandlerDelay.TotalMilliseconds);
            await Task.Delay(settings.HandlerDelay, cancellationToken);
        }
    }
}
