using Dapper;
using Platform.Contracts.Events;
using Platform.Data;
using Platform.Eventing;

namespace RequestService.Copies;

/// <summary>request-service's copy of users' blocks (messaging-service owns them; migration 0005).</summary>
public sealed class UserBlockCopies
{
    /// <summary>Whether <paramref name="blocker"/> blocks <paramref name="blocked"/>, read in the caller's transaction.</summary>
    public Task<bool> BlocksAsync(UnitOfWork uow, Guid blocker, Guid blocked, CancellationToken cancellationToken) =>
        uow.Connection.ExecuteScalarAsync<bool>(new CommandDefinition(
            "select exists (select 1 from request.user_blocks where blocker_id = @blocker and blocked_id = @blocked and blocked)",
            new { blocker, blocked },
            uow.Transaction,
            cancellationToken: cancellationToken));

    /// <summary>Stores a pair's state unless the copy holds the same or a newer version; true when stored.</summary>
    public async Task<bool> ApplyAsync(UnitOfWork uow, Guid blocker, Guid blocked, bool isBlocked, long version, CancellationToken cancellationToken) =>
        await uow.Connection.ExecuteAsync(new CommandDefinition(
            """
            insert into request.user_blocks as b (blocker_id, blocked_id, blocked, version) values (@blocker, @blocked, @isBlocked, @version)
            on conflict (blocker_id, blocked_id) do update set blocked = excluded.blocked, version = excluded.version, updated_at = now()
             where b.version < excluded.version
            """,
            new { blocker, blocked, isBlocked, version },
            uow.Transaction,
            cancellationToken: cancellationToken)) > 0;
}

/// <summary>Keeps the copy of blocks from user.blocked / user.unblocked.</summary>
public sealed class UserBlockCopyHandler(UserBlockCopies blocks) : IEventHandler<UserBlocked>, IEventHandler<UserUnblocked>
{
    public Task HandleAsync(UserBlocked message, EventContext context, CancellationToken cancellationToken) =>
        blocks.ApplyAsync(context.Work, message.BlockerId, message.BlockedId, true, message.Version, cancellationToken);

    public Task HandleAsync(UserUnblocked message, EventContext context, CancellationToken cancellationToken) =>
        blocks.ApplyAsync(context.Work, message.BlockerId, message.BlockedId, false, message.Version, cancellationToken);
}
