using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using RabbitMQ.Client;
using RabbitMQ.Client.Events;

// The raw baseline for the event pipeline (issue 8, item 2): RabbitMQ.Client alone, no database.
// Publishes with publisher confirms (many in flight on one channel) to a quorum queue and consumes
// with manual acks. Figures: end-to-end msgs/s for N messages published and consumed at once (the
// counterpart of the backlog drain), and p50/p99 from just before publish to the consumer's ack at
// fixed rates. Usage: RawRabbit [messages=50000] [warmupSeconds=30] [seconds=20] [rates=300,1000]
var count = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 50_000;
var warmup = TimeSpan.FromSeconds(args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 30);
var measure = TimeSpan.FromSeconds(args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 20);
var rates = (args.Length > 3 ? args[3] : "300,1000").Split(',').Select(r => int.Parse(r, CultureInfo.InvariantCulture)).ToArray();
const string Queue = "raw-bench";
const int InFlight = 512;
const ushort Prefetch = 256;
var amqp = Environment.GetEnvironmentVariable("RabbitMQConnection") ?? "amqp://guest:guest@127.0.0.1:5673/";

var factory = new ConnectionFactory { Uri = new Uri(amqp), ClientProvidedName = "raw-bench" };
await using var publishConnection = await factory.CreateConnectionAsync();
await using var consumeConnection = await factory.CreateConnectionAsync();
await using var publisher = await publishConnection.CreateChannelAsync(new CreateChannelOptions(publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: true));
await publisher.QueueDeclareAsync(Queue, durable: true, exclusive: false, autoDelete: false, arguments: new Dictionary<string, object?> { ["x-queue-type"] = "quorum" });
await publisher.QueuePurgeAsync(Queue);

// A payload the size of our CloudEvent envelope (~420 bytes); the first 8 bytes carry the send timestamp.
var template = Encoding.UTF8.GetBytes(new string('x', 420));
var properties = new BasicProperties { Persistent = true, ContentType = "application/json" };
var latencies = new ConcurrentBag<double>();
long consumed = 0;
long lastConsumedAt = 0;

await using var consumer = await consumeConnection.CreateChannelAsync();
await consumer.BasicQosAsync(0, Prefetch, global: false);
var handler = new AsyncEventingBasicConsumer(consumer);
handler.ReceivedAsync += async (_, delivery) =>
{
    var sent = BitConverter.ToInt64(delivery.Body.Span[..8]);
    await consumer.BasicAckAsync(delivery.DeliveryTag, multiple: false);
    var now = Stopwatch.GetTimestamp();
    if (sent != 0)
    {
        latencies.Add(Stopwatch.GetElapsedTime(sent, now).TotalMilliseconds);
    }

    Interlocked.Increment(ref consumed);
    Interlocked.Exchange(ref lastConsumedAt, now);
};

async Task PublishAsync(bool stamp)
{
    var body = (byte[])template.Clone();
    if (stamp)
    {
        BitConverter.TryWriteBytes(body, Stopwatch.GetTimestamp());
    }

    await publisher.BasicPublishAsync(string.Empty, Queue, mandatory: true, properties, body);
}

// 1. Publish only: N messages with confirms, InFlight outstanding, nobody consuming yet.
var start = Stopwatch.GetTimestamp();
await PublishManyAsync(count);
var publishOnly = Stopwatch.GetElapsedTime(start);
Console.WriteLine($"publish (confirms, {InFlight} in flight): {count:N0} in {publishOnly.TotalSeconds:F2} s = {count / publishOnly.TotalSeconds:N0} msgs/s");

// 2. Consume only: drain the queued N with manual acks.
start = Stopwatch.GetTimestamp();
var tag = await consumer.BasicConsumeAsync(Queue, autoAck: false, handler);
await WaitConsumedAsync(count);
var consumeOnly = Stopwatch.GetElapsedTime(start, Interlocked.Read(ref lastConsumedAt));
Console.WriteLine($"consume (manual ack, prefetch {Prefetch}): {count:N0} in {consumeOnly.TotalSeconds:F2} s = {count / consumeOnly.TotalSeconds:N0} msgs/s");

// 3. Both at once: N published with confirms while the consumer acks: the drain counterpart.
Interlocked.Exchange(ref consumed, 0);
start = Stopwatch.GetTimestamp();
await PublishManyAsync(count);
await WaitConsumedAsync(count);
var both = Stopwatch.GetElapsedTime(start, Interlocked.Read(ref lastConsumedAt));
Console.WriteLine($"RESULT drain_msgs_per_s {count / both.TotalSeconds:F0}");
Console.WriteLine($"publish+consume: {count:N0} in {both.TotalSeconds:F2} s = {count / both.TotalSeconds:N0} msgs/s");

Console.WriteLine($"warm-up: {warmup.TotalSeconds:F0} s at {rates.Max()} msgs/s");
await ProduceAtRateAsync(rates.Max(), warmup);
await Task.Delay(2000);
latencies.Clear();
Console.WriteLine("| rate (msgs/s) | sent | p50 ms | p99 ms | max ms |");
Console.WriteLine("|---:|---:|---:|---:|---:|");
foreach (var rate in rates)
{
    var sent = await ProduceAtRateAsync(rate, measure);
    await Task.Delay(2000);
    var values = latencies.ToArray();
    latencies.Clear();
    Array.Sort(values);
    Console.WriteLine($"| {rate} | {sent} | {Percentile(values, 0.50):F1} | {Percentile(values, 0.99):F1} | {(values.Length > 0 ? values[^1] : double.NaN):F1} |");
    Console.WriteLine($"RESULT latency {rate} {Percentile(values, 0.50):F2} {Percentile(values, 0.99):F2}");
}

await consumer.BasicCancelAsync(tag);
return 0;

async Task PublishManyAsync(int n)
{
    var pending = new Queue<Task>(InFlight);
    for (var i = 0; i < n; i++)
    {
        if (pending.Count == InFlight)
        {
            await pending.Dequeue();
        }

        pending.Enqueue(PublishAsync(stamp: false));
    }

    await Task.WhenAll(pending);
}

async Task WaitConsumedAsync(int n)
{
    var deadline = Stopwatch.GetTimestamp();
    while (Interlocked.Read(ref consumed) < n && Stopwatch.GetElapsedTime(deadline) < TimeSpan.FromMinutes(5))
    {
        await Task.Delay(5);
    }
}

// Paced like EventPipelineBench.ProduceAsync: 16 producers, each message published (and confirmed) at its due time.
async Task<int> ProduceAtRateAsync(int rate, TimeSpan duration)
{
    var total = (int)(rate * duration.TotalSeconds);
    var next = -1;
    var begin = Stopwatch.GetTimestamp();
    await Task.WhenAll(Enumerable.Range(0, 16).Select(async _ =>
    {
        int i;
        while ((i = Interlocked.Increment(ref next)) < total)
        {
            var due = TimeSpan.FromSeconds((double)i / rate) - Stopwatch.GetElapsedTime(begin);
            if (due > TimeSpan.Zero)
            {
                await Task.Delay(due);
            }

            await PublishAsync(stamp: true);
        }
    }));
    return total;
}

static double Percentile(double[] sorted, double p) =>
    sorted.Length == 0 ? double.NaN : sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(p * sorted.Length) - 1)];
