using Platform.Data.Copies;

namespace RequestService.Copies;

/// <summary>
/// request-service's part in checking copies: it exports each donor's rating total (linked and legacy
/// ratings, which donation-service keeps as the donor's rating sum and count), and checks its own
/// copies of donation-service's profiles and donations against donation-service's export.
/// </summary>
public static class RequestCopyChecks
{
    public static readonly IReadOnlyList<CopySource> Exports =
    [
        new("ratings", """
            select donor_id, jsonb_build_object('sum', sum(rating)::bigint, 'count', count(*)::int)
              from (select donor_id, rating from request.ratings union all select donor_id, rating from request.legacy_ratings) r
             group by donor_id
            """),
    ];

    public static readonly IReadOnlyList<CopyCheck> Checks =
    [
        new("request.profile_copies", "profiles",
            "select user_id, jsonb_build_object('role', role, 'blocked', blocked) from request.profile_copies", ["role", "blocked"]),
        new("request.donation_copies", "donations",
            "select donation_id, jsonb_build_object('donor_id', donor_id, 'status', status) from request.donation_copies", ["donor_id", "status"]),
    ];
}
