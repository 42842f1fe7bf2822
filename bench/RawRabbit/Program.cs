using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using BenchTiming;
using RabbitMQ.Client;
using RabbitMQ.Client.Events;

// The raw baseline for the event pipeline (issue 8, item 2): RabbitMQ.Client alone, no database.
// Publishes with publisher confirms (many in flight on one channel) to a quorum queue and consumes
// with manual acks; the ack is its only "commit".
//   RawRabbit fill [messages=50000]
//       empties the queue and publishes N messages with confirms, nobody consuming (publish-only
//       msgs/s); then exits: the backlog
//   RawRabbit run [messages=50000] [warmupSeconds=30] [seconds=20] [rates=300,1000]
//       a fresh process: cold start (process start → first backlog message consumed and acked), the
//       backlog consumed (consume-only msgs/s), then N published with confirms while consumed (the
//       counterpart of the backlog drain), then p50/p99 from just before publish to the consumer's
//       ack at fixed rates. Fails if fewer than N messages arrive.
// Connection: RabbitMQConnection.
var mode = args.Length > 0 ? args[0] : string.Empty;
var count = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 50_000;
const string Queue = "raw-bench";
const int InFlight = 512;
const ushort Prefetch = 256;
// The first 8 bytes of a body carry the send timestamp (0: none), the 9th what the message is for.
const byte Backlog = (byte)'B', Drain = (byte)'D', Paced = (byte)'P';
var amqp = Environment.GetEnvironmentVariable("RabbitMQConnection") ?? "amqp://guest:guest@127.0.0.1:5673/";

var factory = new ConnectionFactory { Uri = new Uri(amqp), ClientProvidedName = "raw-bench" };
IChannel? publisher = null;

// A payload the size of our CloudEvent envelope (~420 bytes).
var template = Encoding.UTF8.GetBytes(new string('x', 420));
var properties = new BasicProperties { Persistent = true, ContentType = "application/json" };

if (mode == "fill")
{
    await OpenPublisherAsync();
    await publisher!.QueuePurgeAsync(Queue);
    var started = Stopwatch.GetTimestamp();
    await PublishManyAsync(count, Backlog);
    var publishOnly = Stopwatch.GetElapsedTime(started);
    var queued = (await publisher!.QueueDeclarePassiveAsync(Queue)).MessageCount;
    Console.WriteLine($"fill: publish (confirms, {InFlight} in flight): {count:N0} in {publishOnly.TotalSeconds:F2} s = {count / publishOnly.TotalSeconds:N0} msgs/s; {queued:N0} in the queue");
    await publisher!.DisposeAsync();
    return queued == count ? 0 : 1;
}

if (mode != "run")
{
    Console.Error.WriteLine("usage: RawRabbit fill [messages] | run [messages] [warmupSeconds] [seconds] [rates]");
    return 2;
}

var warmup = TimeSpan.FromSeconds(args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 30);
var measure = TimeSpan.FromSeconds(args.Length > 3 ? int.Parse(args[3], CultureInfo.InvariantCulture) : 20);
var rates = (args.Length > 4 ? args[4] : "300,1000").Split(',').Select(r => int.Parse(r, CultureInfo.InvariantCulture)).ToArray();
var latencies = new ConcurrentBag<double>();
long backlogConsumed = 0, drainConsumed = 0, lastBacklogAt = 0, lastDrainAt = 0;

await using var consumeConnection = await factory.CreateConnectionAsync();
await using var consumer = await consumeConnection.CreateChannelAsync();
await consumer.BasicQosAsync(0, Prefetch, global: false);
var handler = new AsyncEventingBasicConsumer(consumer);
handler.ReceivedAsync += async (_, delivery) =>
{
    var sent = BitConverter.ToInt64(delivery.Body.Span[..8]);
    var kind = delivery.Body.Span[8];
    await consumer.BasicAckAsync(delivery.DeliveryTag, multiple: false);
    var now = Stopwatch.GetTimestamp();
    switch (kind)
    {
        case Backlog:
            ColdStart.Handled();
            Interlocked.Increment(ref backlogConsumed);
            Interlocked.Exchange(ref lastBacklogAt, now);
            break;
        case Drain:
            Interlocked.Increment(ref drainConsumed);
            Interlocked.Exchange(ref lastDrainAt, now);
            break;
        default:
            latencies.Add(Stopwatch.GetElapsedTime(sent, now).TotalMilliseconds);
            break;
    }
};

// 1. The backlog published by `fill` before this process started: cold start, then consume-only.
// The consumer starts first, as nothing but consuming counts towards the cold start.
var consumeStart = Stopwatch.GetTimestamp();
var tag = await consumer.BasicConsumeAsync(Queue, autoAck: false, handler);
await OpenPublisherAsync();
if (!await Progress.WaitAsync(() => Interlocked.Read(ref backlogConsumed), count, "consume backlog: messages acked") || !ColdStart.Report("ack sent"))
{
    return 3;
}

var consumeOnly = Stopwatch.GetElapsedTime(consumeStart, Interlocked.Read(ref lastBacklogAt));
Console.WriteLine($"consume backlog (manual ack, prefetch {Prefetch}): {count:N0} in {consumeOnly.TotalSeconds:F2} s = {count / consumeOnly.TotalSeconds:N0} msgs/s");

// 2. Both at once: N published with confirms while the consumer acks: the drain counterpart.
var drainCpu = CpuUse.Start();
var start = Stopwatch.GetTimestamp();
await PublishManyAsync(count, Drain);
if (!await Progress.WaitAsync(() => Interlocked.Read(ref drainConsumed), count, "publish+consume: messages acked"))
{
    return 3;
}

drainCpu.Report("drain", count);

var both = Stopwatch.GetElapsedTime(start, Interlocked.Read(ref lastDrainAt));
Console.WriteLine($"publish+consume: {count:N0} all acked in {both.TotalSeconds:F2} s = {count / both.TotalSeconds:N0} msgs/s");
Console.WriteLine($"RESULT drain_msgs_per_s {count / both.TotalSeconds:F0}");

Console.WriteLine($"warm-up: {warmup.TotalSeconds:F0} s at {rates.Max()} msgs/s");
await ProduceAtRateAsync(rates.Max(), warmup);
await Task.Delay(2000);
latencies.Clear();
Console.WriteLine("| rate (msgs/s) | sent | p50 ms | p99 ms | max ms |");
Console.WriteLine("|---:|---:|---:|---:|---:|");
foreach (var rate in rates)
{
    var cpu = CpuUse.Start();
    var sent = await ProduceAtRateAsync(rate, measure);
    await Task.Delay(2000);
    cpu.Report($"at_{rate}", sent);
    var values = latencies.ToArray();
    latencies.Clear();
    Array.Sort(values);
    Console.WriteLine($"| {rate} | {sent} | {Percentile(values, 0.50):F1} | {Percentile(values, 0.99):F1} | {(values.Length > 0 ? values[^1] : double.NaN):F1} |");
    Console.WriteLine($"RESULT latency {rate} {Percentile(values, 0.50):F2} {Percentile(values, 0.99):F2}");
}

await consumer.BasicCancelAsync(tag);
await publisher!.DisposeAsync();
return 0;

async Task OpenPublisherAsync()
{
    var connection = await factory.CreateConnectionAsync();
    publisher = await connection.CreateChannelAsync(new CreateChannelOptions(publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: true));
    await publisher.QueueDeclareAsync(Queue, durable: true, exclusive: false, autoDelete: false, arguments: new Dictionary<string, object?> { ["x-queue-type"] = "quorum" });
}

async Task PublishAsync(byte kind)
{
    var body = (byte[])template.Clone();
    body[8] = kind;
    if (kind == Paced)
    {
        BitConverter.TryWriteBytes(body, Stopwatch.GetTimestamp());
    }

    await publisher!.BasicPublishAsync(string.Empty, Queue, mandatory: true, properties, body);
}

async Task PublishManyAsync(int n, byte kind)
{
    var pending = new Queue<Task>(InFlight);
    for (var i = 0; i < n; i++)
    {
        if (pending.Count == InFlight)
        {
            await pending.Dequeue();
        }

        pending.Enqueue(PublishAsync(kind));
    }

    await Task.WhenAll(pending);
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

            await PublishAsync(Paced);
        }
    }));
    return total;
}

static double Percentile(double[] sorted, double p) =>
    sorted.Length == 0 ? double.NaN : sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(p * sorted.Length) - 1)];
