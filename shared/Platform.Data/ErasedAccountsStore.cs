using Dapper;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Platform.Hosting.Auth;
using Platform.Hosting.Hosting;

namespace Platform.Data;

/// <summary>
/// Issue 18: a service's record of erased accounts (<c>{schema}.erased_accounts</c>, made by each
/// service's own migration) and the in-memory <see cref="ErasedAccounts"/> that
/// <see cref="Platform.Hosting.Http.HttpCalls"/> checks on every call. Recording is idempotent (a
/// redelivered erasure adds nothing) and reaches this instance's set when the transaction commits.
/// </summary>
public sealed class ErasedAccountsStore(ServiceDatabase database, ErasedAccounts erased)
{
    /// <summary>Records the user as erased in the caller's transaction; true the first time.</summary>
    public async Task<bool> RecordAsync(UnitOfWork uow, Guid userId, CancellationToken cancellationToken)
    {
        var added = await uow.Connection.ExecuteAsync(new CommandDefinition(
            $"insert into {database.Schema}.erased_accounts (user_id) values (@userId) on conflict (user_id) do nothing",
            new { userId },
            uow.Transaction,
            cancellationToken: cancellationToken));
        uow.AfterCommit(() => erased.Add(userId));
        return added == 1;
    }

    /// <summary>The erased accounts recorded after <paramref name="since"/> (a sequence number; 0 for all), and the last sequence number seen.</summary>
    public async Task<long> LoadAsync(long since, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<(Guid UserId, long Seq)>(new CommandDefinition(
            $"select user_id, seq from {database.Schema}.erased_accounts where seq > @since order by seq",
            new { since },
            cancellationToken: cancellationToken));
        var last = since;
        foreach (var (userId, seq) in rows)
        {
            erased.Add(userId);
            last = seq;
        }

        return last;
    }
}

/// <summary>How often an instance reads erasures recorded by the service's other instances (<c>Erasure__RefreshSeconds</c>, default 2).</summary>
public sealed record ErasureRefreshOptions(TimeSpan Interval);

/// <summary>Loads the erased accounts at start, then those other instances record, every <see cref="ErasureRefreshOptions.Interval"/>.</summary>
internal sealed class ErasedAccountsLoader(ErasedAccountsStore store, ErasureRefreshOptions options, ILogger<ErasedAccountsLoader> logger)
    : PeriodicWork(TimeProvider.System, logger)
{
    private long _seen;

    protected override TimeSpan Interval => options.Interval;

    /// <summary>The load at start has just run (<see cref="StartAsync"/>): the first refresh is one interval later.</summary>
    protected override TimeSpan FirstDelay => options.Interval;

    protected override string Description => "Refreshing the erased accounts";

    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        // Before the app serves: a token of an erased account is refused from the first request on.
        try
        {
            _seen = await store.LoadAsync(0, cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            Logger.LogWarning(ex, "Erased accounts could not be loaded at start; retrying every {Interval}", options.Interval);
        }

        await base.StartAsync(cancellationToken);
    }

    protected override async Task RunOnceAsync(CancellationToken cancellationToken) =>
        _seen = await store.LoadAsync(_seen, cancellationToken);
}

public static class ErasedAccountsSetup
{
    /// <summary>
    /// Issue 18: the service keeps <c>{schema}.erased_accounts</c> (its migration creates it) and refuses
    /// the tokens of the accounts in it. Call after <c>AddServiceDatabase</c>.
    /// </summary>
    public static PlatformApplication AddErasedAccounts(this PlatformApplication app)
    {
        app.Services.AddSingleton<ErasedAccounts>();
        app.Services.AddSingleton<ErasedAccountsStore>();
        app.Services.AddSingleton(new ErasureRefreshOptions(BatchSweeper.IntervalFrom(app.Configuration["Erasure:RefreshSeconds"], 2)));
        if (!app.Mode.IsCommand())
        {
            app.Services.AddHostedService<ErasedAccountsLoader>();
        }

        return app;
    }
}
