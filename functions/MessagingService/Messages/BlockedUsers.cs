using Dapper;
using Platform.Data;

namespace MessagingService.Messages;

/// <summary>messaging-service's copy of who is blocked, kept from profile.blocked / profile.unblocked.</summary>
public sealed class BlockedUsers
{
    public async Task<bool> IsBlockedAsync(UnitOfWork uow, Guid userId, CancellationToken cancellationToken) =>
        await uow.Connection.ExecuteScalarAsync<bool?>(new CommandDefinition(
            "select blocked from messaging.blocked_users where user_id = @userId", new { userId }, uow.Transaction, cancellationToken: cancellationToken)) == true;

    /// <summary>The same question outside a unit of work (before storage is asked).</summary>
    public async Task<bool> IsBlockedAsync(ServiceDatabase database, Guid userId, CancellationToken cancellationToken)
    {
        await using var uow = await database.BeginAsync(cancellationToken);
        return await IsBlockedAsync(uow, userId, cancellationToken);
    }

    /// <summary>
    /// Records a block state; an older (or the same) version than the one held is ignored, since events
    /// may arrive out of order. True when the state was recorded.
    /// </summary>
    public async Task<bool> ApplyAsync(UnitOfWork uow, Guid userId, bool blocked, long version, CancellationToken cancellationToken) =>
        await uow.Connection.ExecuteAsync(new CommandDefinition(
            """
            insert into messaging.blocked_users (user_id, blocked, version) values (@userId, @blocked, @version)
            on conflict (user_id) do update set blocked = excluded.blocked, version = excluded.version, updated_at = now()
             where messaging.blocked_users.version < excluded.version
            """,
            new { userId, blocked, version },
            uow.Transaction,
            cancellationToken: cancellationToken)) > 0;
}
