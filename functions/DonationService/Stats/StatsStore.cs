using DonationService.Donations;
using DonationService.Profiles;
using Platform.Data;
using Platform.Data.Stats;
using Platform.Hosting.Http;

namespace DonationService.Stats;

/// <summary>
/// The dashboard's SQL. Each query reads an index only: donations_status_keyset (by status),
/// profiles_recipient_status_keyset, profiles_role_keyset, profiles_blocked_keyset, and a 30-day range
/// of profiles_keyset and donations_keyset (bench/admin-stats.sh measures them on 100,000 rows).
/// </summary>
public sealed class DonationStatsStore(ServiceDatabase database)
{
    public const string DonationsByStatus = "select status, count(*) from donation.donations where deleted_at is null group by status";
    public const string PendingVerifications = "select count(*) from donation.profiles where recipient_status = 'requested'";
    public const string UsersByRole = "select role, count(*) from donation.profiles group by role";
    public const string BlockedUsers = "select count(*) from donation.profiles where blocked";
    public const string NewUsersPerDay =
        "select date_trunc('day', created_at at time zone 'UTC') as day, count(*) from donation.profiles where created_at >= @since group by 1";
    public const string DonationsPerDay =
        "select date_trunc('day', created_at at time zone 'UTC') as day, count(*) from donation.donations where deleted_at is null and created_at >= @since group by 1";

    public async Task<DonationStatsView> ReadAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var byStatus = await AdminStats.ByStatusAsync(connection, DonationsByStatus, EnumText.Names<DonationStatus>(), cancellationToken);
        var users = await AdminStats.PerDayAsync(connection, NewUsersPerDay, now, cancellationToken);
        var listed = await AdminStats.PerDayAsync(connection, DonationsPerDay, now, cancellationToken);
        return new DonationStatsView(
            byStatus.Of(DonationStatus.Pending.ToText()),
            await AdminStats.CountAsync(connection, PendingVerifications, cancellationToken),
            byStatus,
            [.. (await AdminStats.ByStatusAsync(connection, UsersByRole, EnumText.Names<ProfileRole>(), cancellationToken)).Select(c => new RoleCount(c.Status, c.Count))],
            await AdminStats.CountAsync(connection, BlockedUsers, cancellationToken),
            [.. AdminStats.Last30Days(now).Select(day => new DonationDay(day, users.GetValueOrDefault(day), listed.GetValueOrDefault(day)))],
            now);
    }
}
