using Dapper;
using Platform.Contracts.Events;
using Platform.Data;

namespace CampaignService.Profiles;

/// <summary>A profile_copies row: what campaign-service knows of a user from profile.* events.</summary>
public sealed class ProfileCopy
{
    public Guid UserId { get; init; }

    public string Role { get; init; } = "recipient";

    public string RecipientStatus { get; init; } = "none";

    public bool Blocked { get; init; }

    public long Version { get; init; }

    public bool IsVerifiedRecipient => Role == "recipient" && RecipientStatus == "approved";
}

/// <summary>Reads and writes of the profile copy; every call joins the caller's unit of work.</summary>
public interface IProfileCopyStore
{
    Task<ProfileCopy?> GetAsync(UnitOfWork uow, Guid userId, CancellationToken cancellationToken);

    /// <summary>Stores the snapshot unless the copy already holds the same or a newer version; true when stored.</summary>
    Task<bool> ApplyAsync(UnitOfWork uow, ProfileSnapshot profile, CancellationToken cancellationToken);
}

/// <summary>The SQL of the profile copy.</summary>
public sealed class ProfileCopyStore : IProfileCopyStore
{
    public Task<ProfileCopy?> GetAsync(UnitOfWork uow, Guid userId, CancellationToken cancellationToken) =>
        uow.Connection.QuerySingleOrDefaultAsync<ProfileCopy>(new CommandDefinition(
            "select user_id, role, recipient_status, blocked, version from campaign.profile_copies where user_id = @userId",
            new { userId },
            uow.Transaction,
            cancellationToken: cancellationToken));

    public async Task<bool> ApplyAsync(UnitOfWork uow, ProfileSnapshot profile, CancellationToken cancellationToken) =>
        await uow.Connection.ExecuteAsync(new CommandDefinition(
            """
            insert into campaign.profile_copies (user_id, role, recipient_status, blocked, version)
            values (@UserId, @Role, @RecipientStatus, @Blocked, @Version)
            on conflict (user_id) do update
               set role = excluded.role, recipient_status = excluded.recipient_status, blocked = excluded.blocked,
                   version = excluded.version, updated_at = now()
             where campaign.profile_copies.version < excluded.version
            """,
            new { profile.UserId, profile.Role, profile.RecipientStatus, profile.Blocked, profile.Version },
            uow.Transaction,
            cancellationToken: cancellationToken)) == 1;
}
