using Dapper;
using DonationService.Donations;
using DonationService.Profiles;
using Platform.Contracts.Events;
using Platform.Data;

namespace DonationService.Erasure;

/// <summary>
/// Issue 18: the erasure saga's record and donation-service's own part of an erasure, in the caller's
/// transaction. Starting is idempotent (a second start returns the first record); each service's answer
/// is recorded once, and the answer that completes the set marks the erasure completed and publishes
/// <c>profile.erased</c> exactly once (the row lock orders concurrent answers; the second finds it completed).
/// </summary>
public sealed class ErasureStore(IDonationStore donations, ErasedAccountsStore erasedAccounts)
{
    private const string Columns =
        "user_id, requested_by, requested_at, status, completed_at, donation_done_at, request_done_at, campaign_done_at, messaging_done_at";

    private const string ProfileColumns =
        "id, email, full_name, phone, avatar_url, location, latitude, longitude, role, recipient_status, verification_image_url, blocked, rating_avg, rating_count, version, created_at, updated_at";

    public async Task<ErasureRecord?> FindAsync(UnitOfWork uow, Guid userId, CancellationToken ct) =>
        await uow.Connection.QuerySingleOrDefaultAsync<ErasureRecord>(new CommandDefinition(
            $"select {Columns} from donation.erasures where user_id = @userId", new { userId }, uow.Transaction, cancellationToken: ct));

    /// <summary>
    /// Starts the erasure of a (locked) profile: the saga's record, the user refused from now on, the
    /// profile's personal fields blanked (<c>profile.updated</c> so every copy forgets the name), the
    /// verification documents' rows dropped, every donation of the user deleted (<c>donation.deleted</c>:
    /// their open requests are cancelled by request-service) and stripped of its text; then
    /// <c>profile.erasure_requested</c> for every service. Files go in the handler of that event.
    /// </summary>
    public async Task<ErasureRecord> StartAsync(UnitOfWork uow, Guid userId, Guid requestedBy, CancellationToken ct)
    {
        var record = await uow.Connection.QuerySingleAsync<ErasureRecord>(new CommandDefinition(
            $"insert into donation.erasures (user_id, requested_by) values (@userId, @requestedBy) returning {Columns}",
            new { userId, requestedBy },
            uow.Transaction,
            cancellationToken: ct));
        await erasedAccounts.RecordAsync(uow, userId, ct);

        var profile = await uow.Connection.QuerySingleAsync<Profile>(new CommandDefinition(
            $"""
            update donation.profiles
               set email = null, full_name = null, phone = null, avatar_url = null, location = null, latitude = null, longitude = null,
                   verification_image_url = null, erased_at = now(), version = version + 1, updated_at = now()
             where id = @userId
            returning {ProfileColumns}
            """,
            new { userId },
            uow.Transaction,
            cancellationToken: ct));
        uow.Publish(new ProfileUpdated(ProfileStore.Snapshot(profile)));
        await uow.Connection.ExecuteAsync(new CommandDefinition(
            "delete from donation.verification_documents where profile_id = @userId", new { userId }, uow.Transaction, cancellationToken: ct));

        var live = await uow.Connection.QueryAsync<Guid>(new CommandDefinition(
            "select id from donation.donations where donor_id = @userId and deleted_at is null order by id for update",
            new { userId },
            uow.Transaction,
            cancellationToken: ct));
        foreach (var id in live)
        {
            await donations.SoftDeleteAsync(uow, id, requestedBy, ct);
        }

        await uow.Connection.ExecuteAsync(new CommandDefinition(
            """
            update donation.donations
               set title = 'erased', description = null, location = null, pickup_instructions = null, image_url = null,
                   latitude = null, longitude = null, updated_at = now()
             where donor_id = @userId;
            delete from donation.donation_images where owner_id = @userId;
            """,
            new { userId },
            uow.Transaction,
            cancellationToken: ct));

        uow.Publish(new ProfileErasureRequested(userId, requestedBy, DateTime.SpecifyKind(record.RequestedAt, DateTimeKind.Utc)));
        return record;
    }

    /// <summary>
    /// A service finished its part (redeliveries change nothing); when every part is done the erasure is
    /// completed and <c>profile.erased</c> published, once. An answer for an erasure this service never
    /// started is ignored (false).
    /// </summary>
    public async Task<bool> RecordPartAsync(UnitOfWork uow, Guid userId, string part, CancellationToken ct)
    {
        var column = part switch
        {
            ErasureParts.Donation => "donation_done_at",
            ErasureParts.Request => "request_done_at",
            ErasureParts.Campaign => "campaign_done_at",
            ErasureParts.Messaging => "messaging_done_at",
            _ => throw new ArgumentOutOfRangeException(nameof(part), part, "Not a part of an erasure."),
        };
        var found = await uow.Connection.ExecuteAsync(new CommandDefinition(
            $"update donation.erasures set {column} = coalesce({column}, now()) where user_id = @userId",
            new { userId },
            uow.Transaction,
            cancellationToken: ct));
        if (found == 0)
        {
            return false;
        }

        var completed = await uow.Connection.QuerySingleOrDefaultAsync<ErasureRecord>(new CommandDefinition(
            $"""
            update donation.erasures
               set status = 'completed', completed_at = now()
             where user_id = @userId and status = 'in_progress'
               and donation_done_at is not null and request_done_at is not null
               and campaign_done_at is not null and messaging_done_at is not null
            returning {Columns}
            """,
            new { userId },
            uow.Transaction,
            cancellationToken: ct));
        if (completed is { CompletedAt: { } at })
        {
            uow.Publish(new ProfileErased(userId, DateTime.SpecifyKind(completed.RequestedAt, DateTimeKind.Utc), DateTime.SpecifyKind(at, DateTimeKind.Utc)));
        }

        return true;
    }
}
