using System.Collections.Concurrent;
using System.Threading.Channels;
using Google.Protobuf;
using Grpc.Core;
using Platform.FunctionsHost.Rpc;

namespace Platform.FunctionsHost;

/// <summary>
/// The host's side of one worker's EventStream: the worker opens it with StartStream; requests go
/// out through one writer; replies are matched to what is waiting for them. Anything the host does
/// not expect fails every waiter at once with a message that names the app and the message.
/// </summary>
internal sealed class WorkerChannel(string app, string workerId, Action<string> log)
{
    private readonly Channel<StreamingMessage> _outbound = Channel.CreateUnbounded<StreamingMessage>(new UnboundedChannelOptions { SingleReader = true });
    private readonly TaskCompletionSource _connected = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource<WorkerInitResponse> _init = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource<FunctionMetadataResponse> _metadata = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly ConcurrentDictionary<string, TaskCompletionSource<FunctionLoadResponse>> _loads = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, TaskCompletionSource<InvocationResponse>> _invocations = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<TaskCompletionSource> _statusWaiters = new();
    private readonly TaskCompletionSource _closed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly ConcurrentDictionary<string, byte> _abandonedReplies = new(StringComparer.Ordinal);
    private volatile Exception? _fault;
    private int _streams;

    public Task Connected => _connected.Task;

    public Task<WorkerInitResponse> InitResponse => _init.Task;

    public Task<FunctionMetadataResponse> MetadataResponse => _metadata.Task;

    /// <summary>Completes when the worker's stream has ended (it closed it, or the process died).</summary>
    public Task Closed => _closed.Task;

    /// <summary>The first protocol fault, if any: an unknown or unexpected message, a second stream.</summary>
    public Exception? Fault => _fault;

    /// <summary>Serves the worker's EventStream until it ends.</summary>
    public async Task RunAsync(IAsyncStreamReader<StreamingMessage> input, IServerStreamWriter<StreamingMessage> output, CancellationToken cancellationToken)
    {
        if (Interlocked.Increment(ref _streams) > 1)
        {
            Fail($"the worker opened a second EventStream; the host serves one per worker");
            return;
        }

        if (!await input.MoveNext(cancellationToken))
        {
            Fail("the worker opened the EventStream and closed it without a StartStream");
            return;
        }

        var first = input.Current;
        if (first.ContentCase != StreamingMessage.ContentOneofCase.StartStream)
        {
            Fail($"the worker's first message was {Describe(first)}, expected StartStream");
            return;
        }

        if (!string.Equals(first.StartStream.WorkerId, workerId, StringComparison.Ordinal))
        {
            Fail($"StartStream named worker '{first.StartStream.WorkerId}', but this host launched '{workerId}'");
            return;
        }

        log($"[host] {app}: worker {workerId} connected (StartStream)");
        _connected.TrySetResult();
        var writer = WriteAsync(output, cancellationToken);
        try
        {
            while (await input.MoveNext(cancellationToken))
            {
                Dispatch(input.Current);
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException or Grpc.Core.RpcException)
        {
            // The process died or the host is stopping: waiters are failed below.
        }
        finally
        {
            _outbound.Writer.TryComplete();
            CloseAll(new WorkerGoneException($"{app}: the worker's EventStream ended"));
            await writer.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }

    public void Send(StreamingMessage message)
    {
        message.RequestId = Guid.NewGuid().ToString();
        if (!_outbound.Writer.TryWrite(message))
        {
            throw new WorkerGoneException($"{app}: cannot send {message.ContentCase}: the worker's EventStream has ended");
        }
    }

    public Task<FunctionLoadResponse> Load(FunctionLoadRequest request)
    {
        var waiter = _loads.GetOrAdd(request.FunctionId, _ => new TaskCompletionSource<FunctionLoadResponse>(TaskCreationOptions.RunContinuationsAsynchronously));
        ThrowIfFaulted(waiter);
        Send(new StreamingMessage { FunctionLoadRequest = request });
        return waiter.Task;
    }

    public Task<InvocationResponse> Invoke(InvocationRequest request)
    {
        var waiter = new TaskCompletionSource<InvocationResponse>(TaskCreationOptions.RunContinuationsAsynchronously);
        _invocations[request.InvocationId] = waiter;
        ThrowIfFaulted(waiter);
        Send(new StreamingMessage { InvocationRequest = request });
        return waiter.Task;
    }

    /// <summary>Forgets an invocation the host gave up on (timed out or cancelled), so a late reply is not a protocol fault.</summary>
    public void Abandon(string invocationId)
    {
        _abandonedReplies[invocationId] = 0;
        _invocations.TryRemove(invocationId, out _);
    }

    public Task Status()
    {
        var waiter = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _statusWaiters.Enqueue(waiter);
        Send(new StreamingMessage { WorkerStatusRequest = new WorkerStatusRequest() });
        return waiter.Task;
    }

    public void Cancel(string invocationId)
    {
        Abandon(invocationId);
        Send(new StreamingMessage { InvocationCancel = new InvocationCancel { InvocationId = invocationId } });
    }

    private void Dispatch(StreamingMessage message)
    {
        switch (message.ContentCase)
        {
            case StreamingMessage.ContentOneofCase.RpcLog:
                var entry = message.RpcLog;
                log($"[rpc {entry.Level}] {entry.Category}: {entry.Message}{(entry.Exception is { } e ? $" | {e.Type}: {e.Message}" : string.Empty)}");
                break;
            case StreamingMessage.ContentOneofCase.WorkerInitResponse when !_init.Task.IsCompleted:
                _init.TrySetResult(message.WorkerInitResponse);
                break;
            case StreamingMessage.ContentOneofCase.FunctionMetadataResponse when !_metadata.Task.IsCompleted:
                _metadata.TrySetResult(message.FunctionMetadataResponse);
                break;
            case StreamingMessage.ContentOneofCase.FunctionLoadResponse
                when _loads.TryGetValue(message.FunctionLoadResponse.FunctionId, out var load) && !load.Task.IsCompleted:
                load.TrySetResult(message.FunctionLoadResponse);
                break;
            case StreamingMessage.ContentOneofCase.InvocationResponse
                when _invocations.TryRemove(message.InvocationResponse.InvocationId, out var invocation):
                invocation.TrySetResult(message.InvocationResponse);
                break;
            case StreamingMessage.ContentOneofCase.InvocationResponse
                when _abandonedReplies.TryRemove(message.InvocationResponse.InvocationId, out _):
                log($"[host] {app}: late InvocationResponse for cancelled invocation {message.InvocationResponse.InvocationId}: {message.InvocationResponse.Result?.Status}");
                break;
            case StreamingMessage.ContentOneofCase.WorkerStatusResponse when _statusWaiters.TryDequeue(out var status):
                status.TrySetResult();
                break;
            default:
                Fail($"unexpected message from the worker: {Describe(message)}");
                break;
        }
    }

    private async Task WriteAsync(IServerStreamWriter<StreamingMessage> output, CancellationToken cancellationToken)
    {
        await foreach (var message in _outbound.Reader.ReadAllAsync(cancellationToken))
        {
            await output.WriteAsync(message, cancellationToken);
        }
    }

    /// <summary>Records a protocol fault and fails everything that waits on the worker.</summary>
    public void Fail(string what)
    {
        var fault = new WorkerProtocolException($"{app}: {what}");
        log($"[host] PROTOCOL FAULT {fault.Message}");
        Interlocked.CompareExchange(ref _fault, fault, null);
        CloseAll(fault);
    }

    private void CloseAll(Exception reason)
    {
        _connected.TrySetException(reason);
        _init.TrySetException(reason);
        _metadata.TrySetException(reason);
        foreach (var waiter in _loads.Values)
        {
            waiter.TrySetException(reason);
        }

        foreach (var id in _invocations.Keys)
        {
            if (_invocations.TryRemove(id, out var waiter))
            {
                waiter.TrySetException(reason);
            }
        }

        while (_statusWaiters.TryDequeue(out var status))
        {
            status.TrySetException(reason);
        }

        _closed.TrySetResult();
    }

    private void ThrowIfFaulted<T>(TaskCompletionSource<T> waiter)
    {
        if (_fault is { } fault)
        {
            waiter.TrySetException(fault);
        }
    }

    private static string Describe(StreamingMessage message) => message.ContentCase switch
    {
        StreamingMessage.ContentOneofCase.None =>
            $"a message of a kind this host does not know ({message.CalculateSize()} bytes: {Convert.ToHexString(message.ToByteArray().AsSpan(0, Math.Min(32, message.CalculateSize())))})",
        _ => $"{message.ContentCase} {message}",
    };
}

/// <summary>The worker broke the host protocol (unknown or unexpected message).</summary>
public sealed class WorkerProtocolException(string message) : Exception(message);

/// <summary>The worker's stream ended (it exited, crashed, or was stopped) while the host waited for it.</summary>
public sealed class WorkerGoneException(string message) : Exception(message);
