using System.Diagnostics;
using System.Text.Json.Nodes;
using Platform.Contracts;
using Platform.Eventing.Tests.Support;
using Platform.Hosting.Hosting;
using RabbitMQ.Client;

namespace Platform.Eventing.Tests;

/// <summary>Outbox → relay → RabbitMQ → consumer → handler, for every event type of the catalogue.</summary>
public sealed class RoundTripTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    private sealed record HandledRow(
        string EventId,
        string EventType,
        string Source,
        string ClrType,
        string Data,
        string Payload,
        string? CorrelationId,
        string? Traceparent,
        string? TraceId,
        string? BaggageCorrelationId,
        int Attempt);

    [Fact]
    public async Task Every_event_type_round_trips_with_its_envelope_payload_and_trace_context()
    {
        await using var scenario = await EventingScenario.CreateAsync("roundtrip");
        await using var tap = await scenario.Broker.TapAsync(EventCatalog.Names);
        await scenario.StartAppAsync();

        var traceId = ActivityTraceId.CreateRandom();
        var correlationId = "corr-" + Guid.NewGuid().ToString("N")[..12];
        using var activity = new Activity("eventing-tests publish");
        activity.SetIdFormat(ActivityIdFormat.W3C);
        activity.SetParentId(traceId, ActivitySpanId.CreateRandom(), ActivityTraceFlags.Recorded);
        activity.AddBaggage(Correlation.BaggageName, correlationId);
        activity.Start();
        var types = EventCatalog.Names.Order(StringComparer.Ordinal).ToList();
        var published = await scenario.PublishAsync(types.Select(Samples.Event));
        var traceParent = activity.Id;
        activity.Stop();

        Assert.True(
            types.SequenceEqual(published.Select(p => p.Type)),
            $"outbox rows: {string.Join(", ", published.Select(p => p.Type))}{Environment.NewLine}expected: {string.Join(", ", types)}");
        var ids = published.Select(p => p.Id.ToString()).ToList();
        await scenario.WaitUntilAsync(
            $"all {ids.Count} event types are handled",
            Timeout,
            async () => await scenario.CountHandledAsync(ids) >= ids.Count);

        var rows = (await scenario.QueryAsync<HandledRow>(
            """
            select event_id, event_type, source, clr_type, data::text as data, payload::text as payload,
                   correlation_id, traceparent, trace_id, baggage_correlation_id, attempt
              from {schema}.handled where event_id = any(@ids)
            """,
            new { ids = ids.ToArray() })).ToLookup(r => r.EventId);
        var problems = new List<string>();
        foreach (var sent in published)
        {
            var type = sent.Type;
            var handled = rows[sent.Id.ToString()].ToList();
            if (handled.Count != 1)
            {
                problems.Add($"{type}: handled {handled.Count} times");
                continue;
            }

            var row = handled[0];
            EventCatalog.TryGetType(type, out var clrType);
            Check(row.EventType == type, $"{type}: handled as type {row.EventType}");
            Check(row.ClrType == clrType.FullName, $"{type}: dispatched to {row.ClrType}, not {clrType.FullName}");
            Check(row.Source == EventingScenario.Source, $"{type}: source {row.Source}");
            Check(JsonNode.DeepEquals(Samples.Json(type), JsonNode.Parse(row.Data)), $"{type}: data received {row.Data} differs from the sample");
            Check(JsonNode.DeepEquals(Samples.Json(type), JsonNode.Parse(row.Payload)), $"{type}: typed payload {row.Payload} differs from the sample");
            Check(row.CorrelationId == correlationId, $"{type}: envelope correlation id {row.CorrelationId}, expected {correlationId}");
            Check(row.Traceparent == traceParent, $"{type}: envelope traceparent {row.Traceparent}, expected {traceParent}");
            Check(row.TraceId == traceId.ToHexString(), $"{type}: the handler ran in trace {row.TraceId}, expected the publisher's {traceId}");
            Check(row.BaggageCorrelationId == correlationId, $"{type}: the handler's correlation baggage is {row.BaggageCorrelationId}");
            Check(row.Attempt == 1, $"{type}: attempt {row.Attempt}");
        }

        Assert.Equal(ids.Count, await scenario.CountInboxAsync(ids));

        // On the wire: one message per event, routed by its type, with the relay's properties and trace headers.
        await scenario.WaitUntilAsync("the tap saw every message", TimeSpan.FromSeconds(5), () => Task.FromResult(ids.All(id => tap.Messages.Any(m => m.MessageId == id))));
        foreach (var sent in published)
        {
            var messages = tap.Messages.Where(m => m.MessageId == sent.Id.ToString()).ToList();
            if (messages.Count != 1)
            {
                problems.Add($"{sent.Type}: {messages.Count} messages on the wire");
                continue;
            }

            var message = messages[0];
            Check(message.Exchange == EventingOptions.EventsExchange && message.RoutingKey == sent.Type, $"{sent.Type}: routed via {message.Exchange}/{message.RoutingKey}");
            Check(message.Type == sent.Type, $"{sent.Type}: AMQP type {message.Type}");
            Check(message.ContentType == CloudEvent.EnvelopeContentType, $"{sent.Type}: content type {message.ContentType}");
            Check(message.DeliveryMode == DeliveryModes.Persistent, $"{sent.Type}: not persistent");
            Check(message.AppId == "evt-roundtrip", $"{sent.Type}: app id {message.AppId}");
            Check(message.CorrelationId == correlationId, $"{sent.Type}: AMQP correlation id {message.CorrelationId}");
            Check(message.Header(MessageHeaders.CorrelationId) == correlationId, $"{sent.Type}: header correlation_id {message.Header(MessageHeaders.CorrelationId)}");
            Check(message.Header(MessageHeaders.TraceParent) == traceParent, $"{sent.Type}: header traceparent {message.Header(MessageHeaders.TraceParent)}");
            var envelope = CloudEvent.Parse(message.Body);
            Check(envelope.Id == sent.Id.ToString() && envelope.Type == sent.Type && envelope.Source == EventingScenario.Source, $"{sent.Type}: envelope {envelope.Id} {envelope.Type} {envelope.Source}");
            Check(JsonNode.DeepEquals(JsonNode.Parse(message.Body), JsonNode.Parse(sent.Envelope)), $"{sent.Type}: the message body is not the outbox envelope");
        }

        Assert.True(problems.Count == 0, string.Join(Environment.NewLine, problems) + Environment.NewLine + await scenario.DescribeAsync());
        await scenario.WaitUntilAsync("the outbox has no unsent rows", TimeSpan.FromSeconds(5), async () => await scenario.CountUnsentAsync() == 0);

        void Check(bool condition, string problem)
        {
            if (!condition)
            {
                problems.Add(problem);
            }
        }
    }
}
