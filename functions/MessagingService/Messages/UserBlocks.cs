using Dapper;
using Platform.Data;
using Platform.Hosting.Http;

namespace MessagingService.Messages;

/// <summary>A block one user holds against another (messaging.user_blocks, migration 0007).</summary>
public sealed class UserBlock
{
    public Guid BlockerId { get; init; }

    public Guid BlockedId { get; init; }

    public long Version { get; init; }

    public DateTime BlockedAt { get; init; }
}

/// <summary>What stands between a sender and a receiver, read in the sender's transaction.</summary>
public sealed record Between(bool ReceiverKnown, bool ReceiverBlocksSender, bool SenderBlocksReceiver);

/// <summary>
/// Users' blocks of other users (issue 18): who may message whom. A row is kept after an unblock so
/// that its version keeps growing across block, unblock, block… (user.blocked / user.unblocked carry it).
/// </summary>
public sealed class UserBlocks(ServiceDatabase database)
{
    private const string Columns = "blocker_id, blocked_id, version, blocked_at";

    /// <summary>
    /// Whether messaging knows the receiver (it holds a row of the profile copy, kept from every
    /// profile.* event) and whether either blocks the other.
    /// </summary>
    public Task<Between> BetweenAsync(UnitOfWork uow, Guid sender, Guid receiver, CancellationToken cancellationToken) =>
        uow.Connection.QuerySingleAsync<Between>(new CommandDefinition(
            """
            select exists (select 1 from messaging.blocked_users where user_id = @receiver) as "ReceiverKnown",
                   exists (select 1 from messaging.user_blocks where blocker_id = @receiver and blocked_id = @sender and blocked) as "ReceiverBlocksSender",
                   exists (select 1 from messaging.user_blocks where blocker_id = @sender and blocked_id = @receiver and blocked) as "SenderBlocksReceiver"
            """,
            new { sender, receiver },
            uow.Transaction,
            cancellationToken: cancellationToken));

    /// <summary>Whether messaging knows this user (see <see cref="BetweenAsync"/>).</summary>
    public async Task<bool> IsKnownAsync(UnitOfWork uow, Guid userId, CancellationToken cancellationToken) =>
        await uow.Connection.ExecuteScalarAsync<bool>(new CommandDefinition(
            "select exists (select 1 from messaging.blocked_users where user_id = @userId)", new { userId }, uow.Transaction, cancellationToken: cancellationToken));

    /// <summary>Blocks; null when the block is already in force (nothing changes, nothing to publish).</summary>
    public Task<UserBlock?> BlockAsync(UnitOfWork uow, Guid blocker, Guid blocked, CancellationToken cancellationToken) =>
        uow.Connection.QuerySingleOrDefaultAsync<UserBlock>(new CommandDefinition(
            $"""
            insert into messaging.user_blocks as b (blocker_id, blocked_id, blocked, version) values (@blocker, @blocked, true, 1)
            on conflict (blocker_id, blocked_id) do update set blocked = true, version = b.version + 1, blocked_at = now(), updated_at = now()
             where not b.blocked
            returning {Columns}
            """,
            new { blocker, blocked },
            uow.Transaction,
            cancellationToken: cancellationToken));

    /// <summary>The block in force, if any.</summary>
    public Task<UserBlock?> FindAsync(UnitOfWork uow, Guid blocker, Guid blocked, CancellationToken cancellationToken) =>
        uow.Connection.QuerySingleOrDefaultAsync<UserBlock>(new CommandDefinition(
            $"select {Columns} from messaging.user_blocks where blocker_id = @blocker and blocked_id = @blocked and blocked",
            new { blocker, blocked },
            uow.Transaction,
            cancellationToken: cancellationToken));

    /// <summary>Lifts a block; the new version, or null when there was no block in force.</summary>
    public Task<long?> UnblockAsync(UnitOfWork uow, Guid blocker, Guid blocked, CancellationToken cancellationToken) =>
        uow.Connection.ExecuteScalarAsync<long?>(new CommandDefinition(
            """
            update messaging.user_blocks set blocked = false, version = version + 1, updated_at = now()
             where blocker_id = @blocker and blocked_id = @blocked and blocked
            returning version
            """,
            new { blocker, blocked },
            uow.Transaction,
            cancellationToken: cancellationToken));

    /// <summary>A page of the blocks <paramref name="blocker"/> holds, the newest first (user_blocks_keyset).</summary>
    public async Task<IReadOnlyList<UserBlock>> ListAsync(Guid blocker, PageRequest page, CancellationToken cancellationToken)
    {
        var after = page.After is null ? string.Empty : " and (blocked_at, blocked_id) < (@afterAt, @afterId)";
        await using var connection = await database.OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<UserBlock>(new CommandDefinition(
            $"select {Columns} from messaging.user_blocks where blocker_id = @blocker and blocked{after} order by blocked_at desc, blocked_id desc limit @take",
            new { blocker, afterAt = page.After?.AtOffset, afterId = page.After?.Id, take = page.Limit + 1 },
            cancellationToken: cancellationToken));
        return rows.AsList();
    }
}
