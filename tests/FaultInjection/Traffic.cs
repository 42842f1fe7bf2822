using System.Diagnostics;

namespace FaultInjection;

/// <summary>The phase the run is in (warm-up, rabbitmq-down, ...): every response is counted under it.</summary>
internal sealed class PhaseClock
{
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly List<string> _order = [];
    private readonly Lock _lock = new();
    private string _current = "setup";

    public PhaseClock() => _order.Add(_current);

    public string Current
    {
        get
        {
            lock (_lock)
            {
                return _current;
            }
        }
    }

    /// <summary>Phases in the order they began.</summary>
    public IReadOnlyList<string> Order
    {
        get
        {
            lock (_lock)
            {
                return [.. _order];
            }
        }
    }

    public TimeSpan Elapsed => _clock.Elapsed;

    public void Enter(string phase)
    {
        lock (_lock)
        {
            _current = phase;
            if (!_order.Contains(phase))
            {
                _order.Add(phase);
            }
        }

        Log.Info($"phase: {phase}");
    }
}

/// <summary>How one HTTP attempt ended, as counted in the table.</summary>
internal enum Outcome
{
    Success,
    ClientError,
    Unavailable,
    ServerError,
    ConnectionError,
    Timeout,
    Abandoned,
}

/// <summary>Why an attempt got no HTTP response.</summary>
internal enum NoAnswer
{
    NoConnection,
    Timeout,

    /// <summary>An impatient client gave up on purpose after a few milliseconds.</summary>
    Abandoned,
}

/// <summary>Counters of one phase.</summary>
internal sealed class PhaseCounts
{
    public int Requests;
    public int Success;
    public int ClientError;
    public int Unavailable;
    public int ServerError;
    public int ConnectionError;
    public int Timeout;
    public int Abandoned;
}

/// <summary>A response that breaks the rules: a 5xx other than 503, or a 503 without problem+json or Retry-After.</summary>
internal sealed record Anomaly(TimeSpan At, string Phase, string Service, string Request, int Status, string Detail);

/// <summary>Every HTTP attempt the driver made, by phase and outcome, and the ones that broke the rules.</summary>
internal sealed class Traffic(PhaseClock phases)
{
    private const int MaxAnomaliesKept = 50;
    private readonly Dictionary<string, PhaseCounts> _byPhase = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _byRouteAndStatus = new(StringComparer.Ordinal);
    private readonly List<Anomaly> _serverErrors = [];
    private readonly List<Anomaly> _badUnavailable = [];
    private readonly Lock _lock = new();

    public int ServerErrorCount { get; private set; }

    public int BadUnavailableCount { get; private set; }

    public IReadOnlyList<Anomaly> ServerErrors
    {
        get
        {
            lock (_lock)
            {
                return [.. _serverErrors];
            }
        }
    }

    public IReadOnlyList<Anomaly> BadUnavailable
    {
        get
        {
            lock (_lock)
            {
                return [.. _badUnavailable];
            }
        }
    }

    /// <summary>Counts per route template and status ("POST /api/requests 201"), for the detail listing.</summary>
    public IReadOnlyDictionary<string, int> ByRouteAndStatus
    {
        get
        {
            lock (_lock)
            {
                return new Dictionary<string, int>(_byRouteAndStatus, StringComparer.Ordinal);
            }
        }
    }

    public PhaseCounts Counts(string phase)
    {
        lock (_lock)
        {
            return _byPhase.TryGetValue(phase, out var counts) ? counts : new PhaseCounts();
        }
    }

    public PhaseCounts Total()
    {
        lock (_lock)
        {
            var total = new PhaseCounts();
            foreach (var c in _byPhase.Values)
            {
                total.Requests += c.Requests;
                total.Success += c.Success;
                total.ClientError += c.ClientError;
                total.Unavailable += c.Unavailable;
                total.ServerError += c.ServerError;
                total.ConnectionError += c.ConnectionError;
                total.Timeout += c.Timeout;
                total.Abandoned += c.Abandoned;
            }

            return total;
        }
    }

    /// <summary>Counts a response; checks that a 503 is problem+json with Retry-After (health reports are plain JSON).</summary>
    public void Response(string service, string method, string path, string route, int status, string? contentType, bool hasRetryAfter, string body)
    {
        var phase = phases.Current;
        var outcome = status switch
        {
            >= 200 and < 300 => Outcome.Success,
            503 => Outcome.Unavailable,
            >= 500 => Outcome.ServerError,
            _ => Outcome.ClientError,
        };
        Anomaly? serverError = null, badUnavailable = null;
        if (outcome == Outcome.ServerError)
        {
            serverError = new Anomaly(phases.Elapsed, phase, service, $"{method} {path}", status, Excerpt(body));
        }
        else if (outcome == Outcome.Unavailable)
        {
            var isHealth = route.EndsWith("/api/health", StringComparison.Ordinal);
            var problems = new List<string>();
            if (!hasRetryAfter)
            {
                problems.Add("no Retry-After");
            }

            if (!isHealth && contentType?.StartsWith("application/problem+json", StringComparison.OrdinalIgnoreCase) != true)
            {
                problems.Add($"content type '{contentType}' is not application/problem+json");
            }

            if (problems.Count > 0)
            {
                badUnavailable = new Anomaly(phases.Elapsed, phase, service, $"{method} {path}", status, string.Join("; ", problems) + ": " + Excerpt(body));
            }
        }

        lock (_lock)
        {
            Count(phase, outcome);
            var key = $"{method} {route} {status}";
            _byRouteAndStatus[key] = _byRouteAndStatus.GetValueOrDefault(key) + 1;
            if (serverError is not null)
            {
                ServerErrorCount++;
                if (_serverErrors.Count < MaxAnomaliesKept)
                {
                    _serverErrors.Add(serverError);
                }
            }

            if (badUnavailable is not null)
            {
                BadUnavailableCount++;
                if (_badUnavailable.Count < MaxAnomaliesKept)
                {
                    _badUnavailable.Add(badUnavailable);
                }
            }
        }

        if (serverError is not null)
        {
            Log.Warn($"{status} from {service}: {method} {path} ({phase}): {serverError.Detail}");
        }
    }

    /// <summary>Counts an attempt that got no HTTP response: the connection failed, it timed out, or the client gave up early on purpose.</summary>
    public void NoResponse(string method, string route, NoAnswer why)
    {
        var phase = phases.Current;
        lock (_lock)
        {
            Count(phase, why switch { NoAnswer.Timeout => Outcome.Timeout, NoAnswer.Abandoned => Outcome.Abandoned, _ => Outcome.ConnectionError });
            var key = $"{method} {route} {why switch { NoAnswer.Timeout => "timeout", NoAnswer.Abandoned => "abandoned-by-client", _ => "no-connection" }}";
            _byRouteAndStatus[key] = _byRouteAndStatus.GetValueOrDefault(key) + 1;
        }
    }

    private void Count(string phase, Outcome outcome)
    {
        if (!_byPhase.TryGetValue(phase, out var counts))
        {
            _byPhase[phase] = counts = new PhaseCounts();
        }

        counts.Requests++;
        switch (outcome)
        {
            case Outcome.Success:
                counts.Success++;
                break;
            case Outcome.ClientError:
                counts.ClientError++;
                break;
            case Outcome.Unavailable:
                counts.Unavailable++;
                break;
            case Outcome.ServerError:
                counts.ServerError++;
                break;
            case Outcome.ConnectionError:
                counts.ConnectionError++;
                break;
            case Outcome.Timeout:
                counts.Timeout++;
                break;
            case Outcome.Abandoned:
                counts.Abandoned++;
                break;
        }
    }

    private static string Excerpt(string body)
    {
        var flat = body.ReplaceLineEndings(" ");
        return flat.Length <= 300 ? flat : flat[..300] + "…";
    }
}

/// <summary>Timestamped console output of the driver.</summary>
internal static class Log
{
    private static readonly Stopwatch Clock = Stopwatch.StartNew();

    public static void Info(string message) => Console.Error.WriteLine($"[fault {Clock.Elapsed.TotalSeconds,6:0.0}s] {message}");

    public static void Warn(string message) => Console.Error.WriteLine($"[fault {Clock.Elapsed.TotalSeconds,6:0.0}s] WARNING: {message}");
}
