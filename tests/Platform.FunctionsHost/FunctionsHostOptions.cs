namespace Platform.FunctionsHost;

/// <summary>What to host and how patient to be. Every timeout ends in a failure that names the app, the step and the worker's log.</summary>
public sealed class FunctionsHostOptions
{
    /// <summary>The app's name in messages (e.g. DonationService).</summary>
    public required string AppName { get; init; }

    /// <summary>The app's build output: the folder with worker.config.json, host.json and the worker's assembly (the script root).</summary>
    public required string AppDirectory { get; init; }

    /// <summary>App settings, as local.settings.json's Values or Azure's app settings: passed to the worker as environment variables.</summary>
    public IReadOnlyDictionary<string, string?> Settings { get; init; } = new Dictionary<string, string?>();

    /// <summary>The port of the host's HTTP front door on 127.0.0.1; 0 picks a free one.</summary>
    public int HttpPort { get; init; }

    /// <summary>Origins the host answers CORS for, comma-separated (local.settings.json's Host.CORS; Azure's CORS setting); none when empty.</summary>
    public string? CorsOrigins { get; init; }

    /// <summary>Host.CORSCredentials.</summary>
    public bool CorsCredentials { get; init; }

    /// <summary>Receives every line: the worker's stdout and stderr, its RpcLog messages and the host's own notes.</summary>
    public Action<string>? Log { get; init; }

    /// <summary>How long the launched worker may take to open its EventStream (the real host waits 60 s).</summary>
    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>How long the host waits for each reply of the start-up handshake (init, metadata, load).</summary>
    public TimeSpan ReplyTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>How long an HTTP invocation may take end to end before the host gives up on it (504).</summary>
    public TimeSpan InvocationTimeout { get; init; } = TimeSpan.FromSeconds(60);
}
