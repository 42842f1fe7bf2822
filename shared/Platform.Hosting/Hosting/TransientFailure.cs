using System.Net.Sockets;

namespace Platform.Hosting.Hosting;

/// <summary>
/// Recognises failures of a dependency (database, broker, another service) that a retry can fix:
/// clients get 503 with Retry-After for them instead of 500.
/// </summary>
public static class TransientFailure
{
    private static readonly List<Func<Exception, bool>> Rules = [ex => ex is SocketException or TimeoutException];

    /// <summary>Lets a data or messaging layer teach the boundary its own transient exceptions.</summary>
    public static void Register(Func<Exception, bool> rule)
    {
        lock (Rules)
        {
            Rules.Add(rule);
        }
    }

    public static bool IsTransient(Exception exception)
    {
        for (var current = exception; current is not null; current = current.InnerException)
        {
            lock (Rules)
            {
                if (Rules.Any(rule => rule(current)))
                {
                    return true;
                }
            }
        }

        return false;
    }
}

/// <summary>
/// Lets a layer turn its own exceptions into a client error (e.g. a database constraint that a
/// request broke), so that a gap in validation still answers 4xx problem+json, never 500.
/// </summary>
public static class ExceptionMapping
{
    private static readonly List<Func<Exception, Http.ApiResponse?>> Mappers = [];

    public static void Register(Func<Exception, Http.ApiResponse?> mapper)
    {
        lock (Mappers)
        {
            Mappers.Add(mapper);
        }
    }

    public static Http.ApiResponse? Map(Exception exception)
    {
        lock (Mappers)
        {
            for (var current = exception; current is not null; current = current.InnerException)
            {
                foreach (var mapper in Mappers)
                {
                    if (mapper(current) is { } response)
                    {
                        return response;
                    }
                }
            }
        }

        return null;
    }
}
