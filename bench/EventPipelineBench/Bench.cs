using System.Diagnostics;
using Dapper;
using Npgsql;
using Platform.Contracts;
using Platform.Contracts.Events;
using Platform.Data;
using RabbitMQ.Client;

namespace EventPipelineBench;

internal static class Bench
{
    public static async Task ResetAsync(string connectionString, string amqp, string schema)
    {
        await using (var connection = new NpgsqlConnection(connectionString))
        {
            await connection.ExecuteAsync($"truncate {schema}.outbox, {schema}.inbox");
        }

        var factory = new ConnectionFactory { Uri = new Uri(amqp) };
        await using var broker = await factory.CreateConnectionAsync();
        await using var channel = await broker.CreateChannelAsync();
        try
        {
            await channel.QueuePurgeAsync("bench-events");
        }
        catch (RabbitMQ.Client.Exceptions.OperationInterruptedException)
        {
            // The queue does not exist yet: the consumer declares it.
        }
    }

    /// <summary>Writes a backlog straight into the outbox, as if many transactions had committed while the relay was away.</summary>
    public static async Task FillBacklogAsync(string connectionString, string schema, int count)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var writer = await connection.BeginBinaryImportAsync($"copy {schema}.outbox (event_id, event_type, envelope) from stdin (format binary)");
        for (var i = 0; i < count; i++)
        {
            var envelope = CloudEvent.Wrap(Event(Guid.NewGuid()), "/event-bench", DateTimeOffset.UtcNow);
            await writer.StartRowAsync();
            await writer.WriteAsync(Guid.Parse(envelope.Id), NpgsqlTypes.NpgsqlDbType.Uuid);
            await writer.WriteAsync(envelope.Type, NpgsqlTypes.NpgsqlDbType.Text);
            await writer.WriteAsync(System.Text.Encoding.UTF8.GetString(envelope.ToUtf8Bytes()), NpgsqlTypes.NpgsqlDbType.Text);
        }

        await writer.CompleteAsync();
    }

    /// <summary>Commits one event per transaction at a fixed rate; returns how many were sent.</summary>
    public static async Task<int> ProduceAsync(ServiceDatabase database, Recorder recorder, int rate, TimeSpan duration)
    {
        var total = (int)(rate * duration.TotalSeconds);
        var next = -1;
        var start = Stopwatch.GetTimestamp();
        var producers = Enumerable.Range(0, 16).Select(async _ =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < total)
            {
                var due = TimeSpan.FromSeconds((double)i / rate) - Stopwatch.GetElapsedTime(start);
                if (due > TimeSpan.Zero)
                {
                    await Task.Delay(due);
                }

                var key = Guid.NewGuid();
                await using var uow = await database.BeginAsync();
                uow.Publish(Event(key));
                uow.AfterCommit(() => recorder.Produced(key));
                await uow.CommitAsync();
            }
        });
        await Task.WhenAll(producers);
        return total;
    }

    public static double Percentile(double[] sorted, double p) =>
        sorted.Length == 0 ? double.NaN : sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(p * sorted.Length) - 1)];

    private static DonationCreated Event(Guid key) => new(new DonationSnapshot(key, Guid.Empty, "bench", "other", "pending", 1));
}
