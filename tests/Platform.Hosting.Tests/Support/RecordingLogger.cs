using Microsoft.Extensions.Logging;

namespace Platform.Hosting.Tests.Support;

/// <summary>Keeps what was logged (Moq cannot proxy ILogger&lt;T&gt; of an internal T).</summary>
public sealed class RecordingLogger<T> : ILogger<T>
{
    public List<(LogLevel Level, Exception? Exception, string Message)> Entries { get; } = [];

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        lock (Entries)
        {
            Entries.Add((logLevel, exception, formatter(state, exception)));
        }
    }
}
