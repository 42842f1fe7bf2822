using System.Net;
using System.Net.Sockets;
using Google.Protobuf;
using Platform.FunctionsHost;
using Platform.FunctionsHost.Rpc;
using Platform.FunctionsMode.Tests.Support;

namespace Platform.FunctionsMode.Tests;

/// <summary>
/// The test host fails loudly and fast: a worker that never connects, dies at start, sends a
/// message the host does not know, or never answers an invocation is a clear failure within
/// seconds that names the app and the message and carries the worker's log.
/// </summary>
public sealed class HarnessFailureTests
{
    /// <summary>
    /// Short timeouts for what a test checks; generous ones for the steps a test's own fake worker
    /// performs from the test process (on a loaded CI machine they take more than a few seconds).
    /// </summary>
    private static FunctionsHostOptions Options(FakeWorker worker, string app, bool fakeAnswers = false) => new()
    {
        AppName = app,
        AppDirectory = worker.Folder,
        ConnectTimeout = TimeSpan.FromSeconds(fakeAnswers ? 60 : 2),
        ReplyTimeout = TimeSpan.FromSeconds(fakeAnswers ? 60 : 2),
        InvocationTimeout = TimeSpan.FromSeconds(2),
    };

    [Fact]
    public async Task A_worker_that_never_connects_fails_within_the_timeout_with_its_log()
    {
        await using var worker = FakeWorker.Script("echo 'fake worker booting'\nexec sleep 600\n");

        var failure = await Assert.ThrowsAsync<FunctionsHostException>(() => FunctionsTestHost.StartAsync(Options(worker, "NeverConnects")));

        Assert.Contains("NeverConnects", failure.Message, StringComparison.Ordinal);
        Assert.Contains("StartStream", failure.Message, StringComparison.Ordinal);
        Assert.Contains("within 2 s", failure.Message, StringComparison.Ordinal);
        Assert.Contains("fake worker booting", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_worker_that_exits_at_start_fails_at_once_with_its_exit_code_and_log()
    {
        await using var worker = FakeWorker.Script("echo 'fake worker: missing setting' >&2\nexit 3\n");

        var failure = await Assert.ThrowsAsync<FunctionsHostException>(() => FunctionsTestHost.StartAsync(Options(worker, "DiesAtStart")));

        Assert.Contains("DiesAtStart", failure.Message, StringComparison.Ordinal);
        Assert.Contains("exited with code 3", failure.Message, StringComparison.Ordinal);
        Assert.Contains("fake worker: missing setting", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unknown_message_from_the_worker_fails_the_handshake_naming_it()
    {
        await using var worker = FakeWorker.Remote();
        var start = FunctionsTestHost.StartAsync(Options(worker, "SpeaksNonsense", fakeAnswers: true));
        using var call = await worker.ConnectAsync();
        await FakeWorker.ReadAsync(call, StreamingMessage.ContentOneofCase.WorkerInitRequest);

        // Field 99 of StreamingMessage: a kind of message the protocol (and the host) does not have.
        await call.RequestStream.WriteAsync(StreamingMessage.Parser.ParseFrom([0x9A, 0x06, 0x00]));

        var failure = await Assert.ThrowsAsync<FunctionsHostException>(() => start);
        Assert.Contains("SpeaksNonsense", failure.Message, StringComparison.Ordinal);
        Assert.Contains("a message of a kind this host does not know", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_invocation_that_never_answers_is_a_504_naming_the_function_within_the_timeout()
    {
        await using var worker = FakeWorker.Remote();
        using var silent = new TcpListener(IPAddress.Loopback, 0); // the worker's HTTP endpoint: accepts, never answers
        silent.Start();
        var start = FunctionsTestHost.StartAsync(Options(worker, "NeverAnswers", fakeAnswers: true));
        using var call = await worker.ConnectAsync();

        await FakeWorker.ReadAsync(call, StreamingMessage.ContentOneofCase.WorkerInitRequest);
        var init = new WorkerInitResponse { Result = FakeWorker.Success };
        init.Capabilities["HttpUri"] = $"http://127.0.0.1:{((IPEndPoint)silent.LocalEndpoint).Port}/";
        await call.RequestStream.WriteAsync(new StreamingMessage { WorkerInitResponse = init });

        await FakeWorker.ReadAsync(call, StreamingMessage.ContentOneofCase.FunctionsMetadataRequest);
        var hang = new RpcFunctionMetadata { Name = "Hang", FunctionId = "hang-1", ScriptFile = "Fake.dll", EntryPoint = "Fake.Hang.Run", Language = "dotnet-isolated" };
        hang.RawBindings.Add("""{"name":"req","type":"httpTrigger","direction":"In","authLevel":"Anonymous","methods":["get"],"route":"hang"}""");
        hang.RawBindings.Add("""{"name":"$return","type":"http","direction":"Out"}""");
        var metadata = new FunctionMetadataResponse { Result = FakeWorker.Success };
        metadata.FunctionMetadataResults.Add(hang);
        await call.RequestStream.WriteAsync(new StreamingMessage { FunctionMetadataResponse = metadata });

        var load = await FakeWorker.ReadAsync(call, StreamingMessage.ContentOneofCase.FunctionLoadRequest);
        Assert.Equal("hang-1", load.FunctionLoadRequest.FunctionId);
        Assert.Equal(2, load.FunctionLoadRequest.Metadata.Bindings.Count); // rebuilt from the raw bindings, as the host does
        await call.RequestStream.WriteAsync(new StreamingMessage { FunctionLoadResponse = new FunctionLoadResponse { FunctionId = "hang-1", Result = FakeWorker.Success } });
        await using var host = await start;

        using var client = new HttpClient { BaseAddress = host.BaseAddress };
        using var response = await client.GetAsync("api/hang?x=1");
        var body = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.GatewayTimeout, response.StatusCode);
        Assert.Contains("no answer within 2 s", body, StringComparison.Ordinal);
        Assert.Contains("NeverAnswers", body, StringComparison.Ordinal);
        Assert.Contains("Hang GET /api/hang", body, StringComparison.Ordinal);
        Assert.Contains("InvocationResponse", body, StringComparison.Ordinal);
        Assert.Contains(host.Failures, f => f.Contains("Hang", StringComparison.Ordinal));

        // What the worker was sent: the trigger as an empty RpcHttp, the query in the trigger metadata.
        var invocation = await FakeWorker.ReadAsync(call, StreamingMessage.ContentOneofCase.InvocationRequest);
        Assert.Equal("hang-1", invocation.InvocationRequest.FunctionId);
        Assert.Equal(TypedData.DataOneofCase.Http, Assert.Single(invocation.InvocationRequest.InputData).Data.DataCase);
        Assert.Equal("1", invocation.InvocationRequest.TriggerMetadata["x"].String);
        Assert.NotNull(invocation.InvocationRequest.TraceContext);
        silent.Stop();
    }
}
