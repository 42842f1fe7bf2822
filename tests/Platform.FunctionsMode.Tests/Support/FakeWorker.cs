using System.Globalization;
using Grpc.Core;
using Grpc.Net.Client;
using Platform.FunctionsHost.Rpc;

namespace Platform.FunctionsMode.Tests.Support;

/// <summary>
/// A stand-in for a misbehaving worker, for the test host's own failure tests: a folder with a
/// worker.config.json whose "worker" is a shell script, and, where the test needs one, a gRPC
/// client in the test process that connects with the switches the host passed to the script and
/// answers the host as the test decides.
/// </summary>
public sealed class FakeWorker : IAsyncDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("fake-worker-").FullName;
    private GrpcChannel? _channel;

    private FakeWorker(string script)
    {
        File.WriteAllText(Path.Combine(_folder, "worker.config.json"), """
            {"description": {"language": "dotnet-isolated", "defaultExecutablePath": "/bin/sh", "defaultWorkerPath": "worker.sh", "workerIndexing": "true"}}
            """);
        File.WriteAllText(Path.Combine(_folder, "host.json"), """{"version": "2.0", "extensions": {"http": {"routePrefix": "api"}}}""");
        File.WriteAllText(Path.Combine(_folder, "worker.sh"), script);
    }

    public string Folder => _folder;

    /// <summary>A worker whose process runs <paramref name="script"/> and never connects by itself.</summary>
    public static FakeWorker Script(string script) => new(script);

    /// <summary>A worker process that records its command line and waits; the test connects for it.</summary>
    public static FakeWorker Remote() => new("printf '%s\\n' \"$@\" > \"$(dirname \"$0\")/args.txt\"\nexec sleep 600\n");

    /// <summary>Waits for the launched script's command line, connects to the host as that worker, sends StartStream.</summary>
    public async Task<AsyncDuplexStreamingCall<StreamingMessage, StreamingMessage>> ConnectAsync()
    {
        var file = Path.Combine(_folder, "args.txt");
        for (var i = 0; i < 200 && !File.Exists(file); i++)
        {
            await Task.Delay(50);
        }

        await Task.Delay(100); // the script writes the file in one go; let it finish
        var args = await File.ReadAllLinesAsync(file);
        string Switch(string name) => args[Array.IndexOf(args, name) + 1];
        _channel = GrpcChannel.ForAddress(Switch("--functions-uri"));
        var call = new FunctionRpc.FunctionRpcClient(_channel).EventStream();
        await call.RequestStream.WriteAsync(new StreamingMessage { StartStream = new StartStream { WorkerId = Switch("--functions-worker-id") } });
        return call;
    }

    /// <summary>Reads from the host until a message of the given kind arrives.</summary>
    public static async Task<StreamingMessage> ReadAsync(AsyncDuplexStreamingCall<StreamingMessage, StreamingMessage> call, StreamingMessage.ContentOneofCase kind)
    {
        while (await call.ResponseStream.MoveNext(CancellationToken.None))
        {
            if (call.ResponseStream.Current.ContentCase == kind)
            {
                return call.ResponseStream.Current;
            }
        }

        throw new InvalidOperationException($"the host closed the stream before sending {kind}");
    }

    public static StatusResult Success => new() { Status = StatusResult.Types.Status.Success };

    public static string Port(Uri uri) => uri.Port.ToString(CultureInfo.InvariantCulture);

    public ValueTask DisposeAsync()
    {
        _channel?.Dispose();
        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (IOException)
        {
            // A process still holding a file: the temp folder is cleaned later.
        }

        return ValueTask.CompletedTask;
    }
}
