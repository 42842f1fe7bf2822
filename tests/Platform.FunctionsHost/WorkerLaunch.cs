using System.Diagnostics;
using System.Globalization;
using System.Text.Json;

namespace Platform.FunctionsHost;

/// <summary>
/// How the host starts a worker in dedicated mode: the description in the app's worker.config.json
/// (executable, arguments, worker path relative to that folder, worker arguments), then the host's
/// switches (both the <c>--functions-*</c> ones Worker 2.x reads and the older <c>--host/--port</c>
/// set), the working directory at the script root, and the host's environment plus the app settings.
/// </summary>
internal sealed record WorkerLaunch(
    string WorkerDirectory,
    string Executable,
    IReadOnlyList<string> Arguments,
    string WorkerPath,
    IReadOnlyList<string> WorkerArguments,
    string AppDirectory)
{
    /// <summary>What the host passes as the gRPC message size limit (int.MaxValue).</summary>
    public const string MaxMessageLength = "2147483647";

    public static WorkerLaunch Read(string appDirectory)
    {
        var config = Path.Combine(appDirectory, "worker.config.json");
        if (!File.Exists(config))
        {
            throw new FunctionsHostException($"{config} is missing: is {appDirectory} the build output of a Functions app (Microsoft.Azure.Functions.Worker.Sdk)?");
        }

        using var document = JsonDocument.Parse(File.ReadAllText(config));
        if (!document.RootElement.TryGetProperty("description", out var description))
        {
            throw new FunctionsHostException($"{config} has no description.");
        }

        var language = Text(description, "language");
        if (!string.Equals(language, "dotnet-isolated", StringComparison.Ordinal))
        {
            throw new FunctionsHostException($"{config}: language '{language}', expected dotnet-isolated.");
        }

        var executable = Text(description, "defaultExecutablePath") ?? throw new FunctionsHostException($"{config} has no defaultExecutablePath.");
        var workerPath = Text(description, "defaultWorkerPath") ?? throw new FunctionsHostException($"{config} has no defaultWorkerPath.");
        var directory = Path.GetDirectoryName(Path.GetFullPath(config))!;
        workerPath = Path.IsPathRooted(workerPath) ? workerPath : Path.Combine(directory, workerPath);
        if (!File.Exists(workerPath))
        {
            throw new FunctionsHostException($"{workerPath} (defaultWorkerPath of {config}) is missing.");
        }

        return new WorkerLaunch(directory, executable, List(description, "arguments"), workerPath, List(description, "workerArguments"), Path.GetFullPath(appDirectory));
    }

    public Process Start(int grpcPort, string workerId, IReadOnlyDictionary<string, string?> settings, Action<string> log)
    {
        var info = new ProcessStartInfo(Executable)
        {
            WorkingDirectory = AppDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in CommandLine(grpcPort, workerId, Guid.NewGuid().ToString()))
        {
            info.ArgumentList.Add(argument);
        }

        // What the host adds to its own environment for the worker; the app settings come last,
        // as local.settings.json's Values do under Core Tools.
        info.Environment["FUNCTIONS_WORKER_DIRECTORY"] = WorkerDirectory;
        info.Environment["FUNCTIONS_APPLICATION_DIRECTORY"] = AppDirectory;
        info.Environment["FUNCTIONS_WORKER_RUNTIME"] = "dotnet-isolated";
        info.Environment["FUNCTIONS_WORKER_RUNTIME_VERSION"] = Environment.Version.ToString(2);
        info.Environment["AZURE_FUNCTIONS_ENVIRONMENT"] = "Development";
        foreach (var (key, value) in settings)
        {
            info.Environment[key] = value;
        }

        var process = Process.Start(info) ?? throw new FunctionsHostException($"Could not start {Executable}.");
        process.OutputDataReceived += (_, e) => Forward(e.Data);
        process.ErrorDataReceived += (_, e) => Forward(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;

        void Forward(string? line)
        {
            if (line is not null)
            {
                log(line);
            }
        }
    }

    public string Describe(int grpcPort, string workerId) =>
        $"{Executable} {string.Join(' ', CommandLine(grpcPort, workerId, "<request id>"))}";

    private IEnumerable<string> CommandLine(int grpcPort, string workerId, string requestId)
    {
        var port = grpcPort.ToString(CultureInfo.InvariantCulture);
        return
        [
            .. Arguments,
            WorkerPath,
            .. WorkerArguments,
            "--host", "127.0.0.1",
            "--port", port,
            "--workerId", workerId,
            "--requestId", requestId,
            "--grpcMaxMessageLength", MaxMessageLength,
            "--functions-uri", $"http://127.0.0.1:{port}/",
            "--functions-worker-id", workerId,
            "--functions-request-id", requestId,
            "--functions-grpc-max-message-length", MaxMessageLength,
        ];
    }

    private static string? Text(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static List<string> List(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Array
            ? value.EnumerateArray().Select(v => v.GetString() ?? string.Empty).Where(v => v.Length > 0).ToList()
            : [];
}
