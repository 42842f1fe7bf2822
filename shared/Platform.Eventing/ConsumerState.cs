namespace Platform.Eventing;

/// <summary>
/// What this instance's consumer is doing, for <c>/api/health</c>: starting (not yet subscribed),
/// consuming (subscribed to its queue since a moment), or reconnecting after failed sessions. An
/// instance answers HTTP before its consumer subscribes and while it reconnects, so operators and
/// tests read this instead of guessing from the broker probe.
/// </summary>
public sealed class ConsumerState(TimeProvider clock)
{
    private volatile Snapshot _current = new(ConsumerStatus.Starting, null, 0, null);

    public Snapshot Current => _current;

    internal void Consuming() => _current = new(ConsumerStatus.Consuming, clock.GetUtcNow(), 0, null);

    internal void Lost(int failuresInARow, Exception error) =>
        _current = new(ConsumerStatus.Reconnecting, clock.GetUtcNow(), failuresInARow, error.GetType().Name);

    public sealed record Snapshot(string Status, DateTimeOffset? Since, int FailuresInARow, string? LastError);
}

public static class ConsumerStatus
{
    public const string Starting = "starting";
    public const string Consuming = "consuming";
    public const string Reconnecting = "reconnecting";
}
