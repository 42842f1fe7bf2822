using System.ComponentModel;
using Dapper;
using Platform.Contracts.Events;
using Platform.Data;
using Platform.Hosting.Auth;
using Platform.Hosting.Http;

namespace DonationService.Profiles;

/// <summary>The SQL of profiles. Every write runs inside the caller's unit of work.</summary>
public sealed class ProfileStore(ServiceDatabase database) : IProfileStore
{
    private const string Columns =
        "id, email, full_name, phone, avatar_url, location, latitude, longitude, role, recipient_status, verification_image_url, blocked, rating_avg, rating_count, version, created_at, updated_at";

    public async Task<Profile?> FindAsync(Guid id, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await connection.QuerySingleOrDefaultAsync<Profile>(
            new CommandDefinition($"select {Columns} from donation.profiles where id = @id", new { id }, cancellationToken: cancellationToken));
    }

    /// <summary>
    /// The caller's profile, created on first use from the token and kept in step with the admin claim.
    /// <paramref name="forUpdate"/> locks the row for a change the caller decides from its state; without
    /// it the row is only read, so a donor's concurrent writes (each checks role and blocked) do not queue
    /// on one row lock. A block committed after that read is ordered after the write, as if it came later.
    /// </summary>
    public async Task<(Profile Profile, bool Created)> EnsureAsync(UnitOfWork uow, Caller caller, bool forUpdate, CancellationToken cancellationToken)
    {
        var select = $"select {Columns} from donation.profiles where id = @UserId" + (forUpdate ? " for update" : "");
        var profile = await uow.Connection.QuerySingleOrDefaultAsync<Profile>(new CommandDefinition(
            select, new { caller.UserId }, uow.Transaction, cancellationToken: cancellationToken));
        if (profile is null)
        {
            var created = await uow.Connection.QuerySingleOrDefaultAsync<Profile>(new CommandDefinition(
                $"""
                insert into donation.profiles (id, email, role) values (@UserId, @Email, @role)
                on conflict (id) do nothing
                returning {Columns}
                """,
                new { caller.UserId, Email = UsableEmail(caller), role = ProfileRules.InitialRole(caller).ToText() },
                uow.Transaction,
                cancellationToken: cancellationToken));
            if (created is not null)
            {
                uow.Publish(new ProfileCreated(Snapshot(created)));
                return (created, true);
            }

            // Another request created it between the read and the insert.
            profile = await uow.Connection.QuerySingleAsync<Profile>(new CommandDefinition(
                select, new { caller.UserId }, uow.Transaction, cancellationToken: cancellationToken));
        }

        var mirrored = ProfileRules.MirroredRole(caller, profile);
        var email = UsableEmail(caller);
        var emailChanged = email is not null && email != profile.Email;
        if (mirrored is null && !emailChanged)
        {
            return (profile, false);
        }

        // The condition is re-checked on the latest row, so of two requests that both saw the old
        // role only one changes it (and publishes the event); the other reads the result.
        var updated = await uow.Connection.QuerySingleOrDefaultAsync<Profile>(new CommandDefinition(
            $"""
            update donation.profiles
               set role = coalesce(@role, role), email = coalesce(@Email, email), version = version + 1, updated_at = now()
             where id = @UserId
               and (role is distinct from coalesce(@role, role) or email is distinct from coalesce(@Email, email))
            returning {Columns}
            """,
            new { role = mirrored?.ToText(), Email = email, caller.UserId },
            uow.Transaction,
            cancellationToken: cancellationToken));
        if (updated is null)
        {
            return (await uow.Connection.QuerySingleAsync<Profile>(new CommandDefinition(
                select, new { caller.UserId }, uow.Transaction, cancellationToken: cancellationToken)), false);
        }

        uow.Publish(new ProfileUpdated(Snapshot(updated)));
        return (updated, false);
    }

    public async Task<Profile> UpdateAsync(UnitOfWork uow, Guid id, ProfileChanges changes, CancellationToken cancellationToken)
    {
        var profile = await uow.Connection.QuerySingleAsync<Profile>(new CommandDefinition(
            $"""
            update donation.profiles
               set full_name = @FullName, phone = @Phone, avatar_url = @AvatarUrl, location = @Location,
                   latitude = @Latitude, longitude = @Longitude, role = coalesce(@role, role), version = version + 1, updated_at = now()
             where id = @id
            returning {Columns}
            """,
            new { id, changes.FullName, changes.Phone, changes.AvatarUrl, changes.Location, changes.Latitude, changes.Longitude, role = changes.Role?.ToText() },
            uow.Transaction,
            cancellationToken: cancellationToken));
        uow.Publish(new ProfileUpdated(Snapshot(profile)));
        return profile;
    }

    public async Task<Profile> RequestVerificationAsync(UnitOfWork uow, Guid id, CancellationToken cancellationToken)
    {
        var profile = await uow.Connection.QuerySingleAsync<Profile>(new CommandDefinition(
            $"""
            update donation.profiles
               set recipient_status = 'requested', verification_image_url = null, version = version + 1, updated_at = now()
             where id = @id
            returning {Columns}
            """,
            new { id },
            uow.Transaction,
            cancellationToken: cancellationToken));
        uow.Publish(new ProfileUpdated(Snapshot(profile)));
        return profile;
    }

    /// <summary>Locks and reads a profile for a change decided from its current state.</summary>
    public Task<Profile?> LockAsync(UnitOfWork uow, Guid id, CancellationToken cancellationToken) =>
        uow.Connection.QuerySingleOrDefaultAsync<Profile>(new CommandDefinition(
            $"select {Columns} from donation.profiles where id = @id for update",
            new { id },
            uow.Transaction,
            cancellationToken: cancellationToken));

    public async Task<Profile> SetRecipientStatusAsync(UnitOfWork uow, Guid id, RecipientStatus status, Guid decidedBy, CancellationToken cancellationToken)
    {
        var profile = await uow.Connection.QuerySingleAsync<Profile>(new CommandDefinition(
            $"""
            update donation.profiles set recipient_status = @status, version = version + 1, updated_at = now()
             where id = @id
            returning {Columns}
            """,
            new { id, status = status.ToText() },
            uow.Transaction,
            cancellationToken: cancellationToken));
        uow.Publish(new ProfileVerificationDecided(Snapshot(profile), status.ToText(), decidedBy));
        return profile;
    }

    public async Task<Profile> SetBlockedAsync(UnitOfWork uow, Guid id, bool blocked, Guid actor, string? reason, CancellationToken cancellationToken)
    {
        var profile = await uow.Connection.QuerySingleAsync<Profile>(new CommandDefinition(
            $"""
            update donation.profiles
               set blocked = @blocked, blocked_at = case when @blocked then now() end, version = version + 1, updated_at = now()
             where id = @id
            returning {Columns}
            """,
            new { id, blocked },
            uow.Transaction,
            cancellationToken: cancellationToken));
        uow.Publish(blocked ? new ProfileBlocked(Snapshot(profile), actor, reason) : new ProfileUnblocked(Snapshot(profile), actor));
        return profile;
    }

    /// <summary>The token's email when it fits the column (Supabase allows 320 characters at most).</summary>
    /// <summary>
    /// The token's email if it can be stored: at most 320 characters and no control characters
    /// (PostgreSQL text cannot hold NUL). Otherwise the profile keeps no email from this token.
    /// </summary>
    private static string? UsableEmail(Caller caller) =>
        caller.Email is { Length: <= 320 } email && !email.AsSpan().ContainsAnyInRange('\0', '\u001f') ? email : null;

    public static ProfileSnapshot Snapshot(Profile p) => new(p.Id, p.Role, p.RecipientStatus, p.Blocked, p.FullName, p.Version);

    public async Task<IReadOnlyList<Profile>> ListAsync(ProfileFilter filter, PageRequest page, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<Profile>(new CommandDefinition(
            $"""
            select {Columns} from donation.profiles
             where (@recipientStatus::text is null or recipient_status = @recipientStatus)
               and (@blocked::boolean is null or blocked = @blocked)
               and (@role::text is null or role = @role)
               and (@afterAt::timestamptz is null or (created_at, id) < (@afterAt, @afterId))
             order by created_at desc, id desc
             limit @take
            """,
            new
            {
                recipientStatus = filter.RecipientStatus?.ToText(),
                filter.Blocked,
                role = filter.Role?.ToText(),
                afterAt = page.After?.AtOffset,
                afterId = page.After?.Id,
                take = page.Limit + 1,
            },
            cancellationToken: cancellationToken));
        return rows.AsList();
    }
}

/// <summary>The admins' list query.</summary>
public sealed record ProfileFilter(
    [property: Description("Only profiles with this verification status.")] RecipientStatus? RecipientStatus,
    [property: Description("Only blocked (true) or unblocked (false) users.")] bool? Blocked,
    [property: Description("Only profiles with this role.")] ProfileRole? Role);
