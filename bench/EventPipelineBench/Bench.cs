using System.Diagnostics;
using Dapper;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Platform.Contracts;
using Platform.Contracts.Events;
using Platform.Data;
using Platform.Eventing;
using Platform.Hosting.Hosting;
using RabbitMQ.Client;

namespace EventPipelineBench;

internal static class Bench
{
    public const string Schema = "bench_events";
    /// <summary>
    /// The bench plays donation-service, the declared publisher of <c>donation.created</c>: it connects as
    /// that service's broker user (the scripts pass its URI), so the consumer's publisher check passes as
    /// it does in the running platform, and its queue is one that user may declare.
    /// </summary>
    public const string Service = Publishers.Donation;

    public const string Queue = Service + ".bench";

    /// <summary>
    /// The service exactly as the services build it: standalone hosting, the platform defaults, its
    /// database, and <c>AddEventing</c> with one handler, i.e. the same hosted outbox relay and
    /// consumer registration. Nothing is started here.
    /// </summary>
    public static PlatformApplication CreateService(Recorder recorder)
    {
        var app = PlatformApplication.Create(Service, ["--standalone", "--urls", "http://127.0.0.1:0", "--Logging:LogLevel:Default=Warning", "--environment", "Development"]);
        app.AddPlatformDefaults().AddServiceDatabase("BenchDbConnection", Schema);
        app.AddEventing(h => h.Handle<DonationCreated, BenchHandler>());
        app.Services.AddSingleton(recorder);
        return app;
    }

    public static async Task TruncateAsync(string connectionString)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.ExecuteAsync($"truncate {Schema}.outbox, {Schema}.inbox");
    }

    /// <summary>
    /// Waits until the consumer has declared and bound its queue and consumes from it. The relay
    /// publishes to the topic exchange; until the queue is bound there, the broker drops what it
    /// publishes (see <see cref="FillAsync"/>).
    /// </summary>
    public static async Task WaitForConsumerAsync(string amqp, TimeSpan timeout)
    {
        var factory = new ConnectionFactory { Uri = new Uri(amqp) };
        await using var broker = await factory.CreateConnectionAsync();
        var start = Stopwatch.GetTimestamp();
        while (true)
        {
            // A passive declare of a missing queue closes the channel: a fresh one per attempt.
            await using var channel = await broker.CreateChannelAsync();
            try
            {
                if ((await channel.QueueDeclarePassiveAsync(Queue)).ConsumerCount > 0)
                {
                    return;
                }
            }
            catch (RabbitMQ.Client.Exceptions.OperationInterruptedException)
            {
                // Not declared yet.
            }

            if (Stopwatch.GetElapsedTime(start) > timeout)
            {
                throw new TimeoutException($"The consumer did not start consuming {Queue} within {timeout.TotalSeconds:F0} s.");
            }

            await Task.Delay(50);
        }
    }

    /// <summary>Empties the main queue and its retry and parking queues (all declared by the consumer by now).</summary>
    public static async Task PurgeQueuesAsync(string amqp)
    {
        var factory = new ConnectionFactory { Uri = new Uri(amqp) };
        await using var broker = await factory.CreateConnectionAsync();
        await using var channel = await broker.CreateChannelAsync();
        var defaults = new EventingOptions { ConnectionString = amqp, Queue = Queue };
        await channel.QueuePurgeAsync(Queue);
        await channel.QueuePurgeAsync(defaults.ParkingQueue);
        foreach (var delay in defaults.RetryDelays)
        {
            await channel.QueuePurgeAsync(defaults.RetryQueue(delay));
        }
    }

    /// <summary>
    /// Writes a backlog straight into the outbox in one committed COPY, as if many transactions had
    /// committed while the relay was away. Each event's title marks it as backlog.
    /// </summary>
    public static async Task FillAsync(string connectionString, int count)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var writer = await connection.BeginBinaryImportAsync($"copy {Schema}.outbox (event_id, event_type, envelope) from stdin (format binary)");
        for (var i = 0; i < count; i++)
        {
            var envelope = CloudEvent.Wrap(Event(Guid.NewGuid(), Recorder.BacklogTitle), Publishers.SourceOf(Service), DateTimeOffset.UtcNow);
            await writer.StartRowAsync();
            await writer.WriteAsync(Guid.Parse(envelope.Id), NpgsqlTypes.NpgsqlDbType.Uuid);
            await writer.WriteAsync(envelope.Type, NpgsqlTypes.NpgsqlDbType.Text);
            await writer.WriteAsync(System.Text.Encoding.UTF8.GetString(envelope.ToUtf8Bytes()), NpgsqlTypes.NpgsqlDbType.Text);
        }

        await writer.CompleteAsync();
    }

    /// <summary>What the database says about the backlog: outbox rows, unsent rows, inbox rows.</summary>
    public static async Task<(long Outbox, long Unsent, long Inbox)> CountAsync(string connectionString)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        return await connection.QuerySingleAsync<(long, long, long)>(
            $"select (select count(*) from {Schema}.outbox), (select count(*) from {Schema}.outbox where sent_at is null), (select count(*) from {Schema}.inbox)");
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
                uow.Publish(Event(key, "bench"));
                uow.AfterCommit(() => recorder.Produced(key));
                await uow.CommitAsync();
            }
        });
        await Task.WhenAll(producers);
        return total;
    }

    public static double Percentile(double[] sorted, double p) =>
        sorted.Length == 0 ? double.NaN : sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(p * sorted.Length) - 1)];

    private static DonationCreated Event(Guid key, string title) => new(new DonationSnapshot(key, Guid.Empty, title, "other", "pending", 1));
}
