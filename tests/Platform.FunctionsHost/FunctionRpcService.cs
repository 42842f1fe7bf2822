using Grpc.Core;
using Platform.FunctionsHost.Rpc;

namespace Platform.FunctionsHost;

/// <summary>The host's gRPC endpoint: hands the worker's EventStream to its channel.</summary>
internal sealed class FunctionRpcService(WorkerChannel channel) : FunctionRpc.FunctionRpcBase
{
    public override Task EventStream(IAsyncStreamReader<StreamingMessage> requestStream, IServerStreamWriter<StreamingMessage> responseStream, ServerCallContext context) =>
        channel.RunAsync(requestStream, responseStream, context.CancellationToken);
}
