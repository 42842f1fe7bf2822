using Dapper;
using Platform.Data;

namespace DonationService.Contacts;

/// <summary>
/// The hand-over contact, read from donation-service's own rows: the claim saga keeps, on the donation,
/// which request holds it (<c>claimed_request_id</c>) and its recipient (<c>claimed_by</c>) exactly while
/// that request is approved (status claimed) or completed (status completed). A cancelled or rejected
/// request releases the item and clears both, so the contact disappears with it.
/// </summary>
public sealed class ContactStore(ServiceDatabase database)
{
    public async Task<HandOverRow?> FindAsync(Guid donationId, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await connection.QuerySingleOrDefaultAsync<HandOverRow>(new CommandDefinition(
            """
            select d.id as donation_id, d.claimed_request_id as request_id, d.status,
                   coalesce(d.location, dp.location) as pickup_location, d.pickup_instructions,
                   d.donor_id, dp.full_name as donor_name, dp.email as donor_email, dp.phone as donor_phone,
                   d.claimed_by as recipient_id, rp.full_name as recipient_name, rp.email as recipient_email, rp.phone as recipient_phone
              from donation.donations d
              left join donation.profiles dp on dp.id = d.donor_id
              left join donation.profiles rp on rp.id = d.claimed_by
             where d.id = @donationId
               and d.deleted_at is null
               and d.status in ('claimed', 'completed')
               and d.claimed_request_id is not null
               and d.claimed_by is not null
            """,
            new { donationId },
            cancellationToken: cancellationToken));
    }
}
