using System.Text;
using Dapper;
using DonationService.Files;
using Platform.Contracts.Events;
using Platform.Data;
using Platform.Hosting.Auth;
using Platform.Hosting.Http;

namespace DonationService.Donations;

/// <summary>The SQL of donations. Writes run inside the caller's unit of work.</summary>
public sealed class DonationStore(ServiceDatabase database, TextSearchOptions search) : IDonationStore
{
    private const string Columns =
        "id, donor_id, title, description, category, location, image_url, status, review_reason, pickup_instructions, quantity, condition, expires_at, latitude, longitude, version, created_at, updated_at, deleted_at, resubmitted_at";

    private static readonly string[] PublicStates = DonationRules.PublicStates.Select(s => s.ToText()).ToArray();

    public async Task<Donation?> FindAsync(Guid id, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await connection.QuerySingleOrDefaultAsync<Donation>(new CommandDefinition(
            WithImages($"select {Columns} from donation.donations where id = @id and deleted_at is null", "id"), new { id }, cancellationToken: cancellationToken));
    }

    /// <summary>Locks a live donation for a change decided from its current state.</summary>
    public Task<Donation?> LockAsync(UnitOfWork uow, Guid id, CancellationToken cancellationToken) =>
        uow.Connection.QuerySingleOrDefaultAsync<Donation>(new CommandDefinition(
            $"select {Columns} from donation.donations where id = @id and deleted_at is null for update",
            new { id },
            uow.Transaction,
            cancellationToken: cancellationToken));

    public async Task<Donation> InsertAsync(UnitOfWork uow, Guid donorId, DonationFields fields, CancellationToken cancellationToken)
    {
        var donation = await uow.Connection.QuerySingleAsync<Donation>(new CommandDefinition(
            $"""
            insert into donation.donations (id, donor_id, title, description, category, location, image_url, pickup_instructions, quantity, condition, expires_at, latitude, longitude, status)
            values (@id, @donorId, @Title, @Description, @category, @Location, @ImageUrl, @PickupInstructions, @Quantity, @Condition, @ExpiresAt, @Latitude, @Longitude, 'pending')
            returning {Columns}
            """,
            new { id = Guid.CreateVersion7(), donorId, fields.Title, fields.Description, category = fields.Category.ToText(), fields.Location, fields.ImageUrl, fields.PickupInstructions, fields.Quantity, fields.Condition, fields.ExpiresAt, fields.Latitude, fields.Longitude },
            uow.Transaction,
            cancellationToken: cancellationToken));
        uow.Publish(new DonationCreated(Snapshot(donation)));
        return donation;
    }

    public async Task<Donation> UpdateAsync(UnitOfWork uow, Guid id, DonationFields fields, CancellationToken cancellationToken)
    {
        var donation = await uow.Connection.QuerySingleAsync<Donation>(new CommandDefinition(
            $"""
            update donation.donations
               set title = @Title, description = @Description, category = @category, location = @Location, image_url = @ImageUrl,
                   pickup_instructions = @PickupInstructions, quantity = @Quantity, condition = @Condition, expires_at = @ExpiresAt,
                   latitude = @Latitude, longitude = @Longitude, version = version + 1, updated_at = now()
             where id = @id
            returning {Columns}
            """,
            new { id, fields.Title, fields.Description, category = fields.Category.ToText(), fields.Location, fields.ImageUrl, fields.PickupInstructions, fields.Quantity, fields.Condition, fields.ExpiresAt, fields.Latitude, fields.Longitude },
            uow.Transaction,
            cancellationToken: cancellationToken));
        uow.Publish(new DonationUpdated(Snapshot(donation)));
        return donation;
    }

    /// <summary>
    /// A material edit of an available donation: back to review (pending), <c>resubmitted_at</c> set,
    /// and <c>donation.updated</c> with the pending snapshot when <paramref name="publish"/> (an edit
    /// of the fields publishes its own right after, in the same transaction).
    /// </summary>
    public async Task<Donation> ResubmitAsync(UnitOfWork uow, Guid id, bool publish, CancellationToken cancellationToken)
    {
        var donation = await uow.Connection.QuerySingleAsync<Donation>(new CommandDefinition(
            $"""
            update donation.donations set status = 'pending', resubmitted_at = now(), version = version + 1, updated_at = now()
             where id = @id
            returning {Columns}
            """,
            new { id },
            uow.Transaction,
            cancellationToken: cancellationToken));
        if (publish)
        {
            uow.Publish(new DonationUpdated(Snapshot(donation)));
        }

        return donation;
    }

    public Task<Donation> SetStatusAsync(UnitOfWork uow, Guid id, DonationStatus status, string? reason, Guid? reviewer, CancellationToken cancellationToken) =>
        uow.Connection.QuerySingleAsync<Donation>(new CommandDefinition(
            $"""
            update donation.donations
               set status = @status, review_reason = coalesce(@reason, review_reason),
                   reviewed_by = coalesce(@reviewer, reviewed_by), reviewed_at = case when @reviewer::uuid is null then reviewed_at else now() end,
                   version = version + 1, updated_at = now()
             where id = @id
            returning {Columns}
            """,
            new { id, status = status.ToText(), reason, reviewer },
            uow.Transaction,
            cancellationToken: cancellationToken));

    public async Task<Donation> SoftDeleteAsync(UnitOfWork uow, Guid id, Guid deletedBy, CancellationToken cancellationToken)
    {
        var donation = await uow.Connection.QuerySingleAsync<Donation>(new CommandDefinition(
            $"update donation.donations set deleted_at = now(), version = version + 1, updated_at = now() where id = @id returning {Columns}",
            new { id },
            uow.Transaction,
            cancellationToken: cancellationToken));
        uow.Publish(new DonationDeleted(donation.Id, donation.DonorId, deletedBy, donation.Version));
        return donation;
    }

    /// <summary>An admin's review: the new state and the <c>donation.reviewed</c> event.</summary>
    public async Task<Donation> ReviewAsync(UnitOfWork uow, Guid id, ReviewDecision decision, DonationStatus status, string? reason, Guid reviewer, CancellationToken cancellationToken)
    {
        var donation = await SetStatusAsync(uow, id, status, reason, reviewer, cancellationToken);
        uow.Publish(new DonationReviewed(Snapshot(donation), decision == ReviewDecision.Approve ? "approved" : "rejected", reason, reviewer));
        return donation;
    }

    /// <summary>
    /// Marks up to <paramref name="batch"/> pending or available donations past their expiry as expired,
    /// publishing donation.expired for each in the same transaction; returns how many. Rows another
    /// transaction holds (a claim, an edit) are skipped and taken at the next sweep.
    /// </summary>
    public async Task<int> ExpireDueAsync(UnitOfWork uow, int batch, CancellationToken cancellationToken)
    {
        var expired = (await uow.Connection.QueryAsync<Donation>(new CommandDefinition(
            """
            with due as (
                select id from donation.donations
                 where deleted_at is null and expires_at is not null and expires_at <= now() and status in ('pending', 'available')
                 order by expires_at
                 limit @batch
                   for update skip locked)
            update donation.donations d
               set status = 'expired', version = d.version + 1, updated_at = now()
              from due
             where d.id = due.id
            returning d.*
            """,
            new { batch },
            uow.Transaction,
            cancellationToken: cancellationToken))).AsList();
        foreach (var donation in expired)
        {
            uow.Publish(new DonationExpired(Snapshot(donation), donation.ExpiresAt!.Value));
        }

        return expired.Count;
    }

    public static DonationSnapshot Snapshot(Donation d) => new(d.Id, d.DonorId, d.Title, d.Category, d.Status, d.Version);

    /// <summary>
    /// How many of the newest matches of q sort=relevance ranks: ranking reads every candidate's
    /// tsvector, so a very common word would otherwise rank most of the table for each page.
    /// </summary>
    public const int RelevanceCandidates = 1000;

    /// <summary>
    /// How many rows beyond the page the distance order reads in index (KNN) order before breaking
    /// ties of equal distance by id: more donations than this at exactly one point may be cut short.
    /// </summary>
    public const int DistanceTies = 200;

    /// <summary>
    /// With q, nearest first matches q among this many nearest donations within the radius (from the
    /// page's cursor on): a word in 0.2 % of the rows, or none, reads at most this many points in
    /// distance order instead of every point of a wide radius. A match farther than that many nearer
    /// items is not listed (as relevance ranks only the <see cref="RelevanceCandidates"/> newest matches).
    /// </summary>
    public const int NearCandidates = 5000;

    /// <summary>
    /// A page of donations the caller may see, in the order asked for (issue 17). Each filter adds a
    /// fixed, parameterised condition, so PostgreSQL plans every combination with its own index: q with
    /// the GIN index on the generated <c>search</c> tsvector, near with the GiST index on
    /// <c>earth_point</c>. newest pages on (created_at, id). relevance ranks the
    /// <see cref="RelevanceCandidates"/> newest matches; distance walks the GiST index nearest first
    /// (<c>&lt;-&gt;</c>), so neither reads more than a bounded number of rows whatever q or the radius;
    /// both page on (sort_key, id).
    /// </summary>
    public async Task<IReadOnlyList<Donation>> ListAsync(DonationFilter filter, Caller? caller, PageRequest page, CancellationToken cancellationToken)
    {
        var sort = filter.SortBy();
        var near = filter.NearPoint();
        var center = Coordinates.EarthPointSql("@nearLat", "@nearLng");
        var query = "websearch_to_tsquery(@config::regconfig, @q)";
        var distance = $"(earth_point operator(extensions.<->) {center})";
        var where = new StringBuilder(" from donation.donations where deleted_at is null");
        where.Append(VisibleRows.Condition(caller is not null, caller?.IsAdmin == true, filter.Status?.ToText(), PublicStates, "donor_id"));

        if (filter.Status is not null)
        {
            where.Append(" and status = @status");
        }

        // Issue 17: past its expiry an item has left the feed, even in the seconds before the sweeper marks it expired.
        where.Append(" and (expires_at is null or expires_at > now() or status not in ('pending', 'available'))");

        if (filter.Category is not null)
        {
            where.Append(" and category = @category");
        }

        if (filter.DonorId is not null)
        {
            where.Append(" and donor_id = @DonorId");
        }

        // Nearest first with q: q is matched among the nearest candidates below, not through its index.
        var qAmongNearest = filter.Query is not null && sort == DonationSort.Distance;
        if (filter.Query is not null && !qAmongNearest)
        {
            where.Append($" and search @@ {query}");
        }

        if (near is not null)
        {
            where.Append($" and earth_point operator(extensions.<@) extensions.cube_enlarge({center}, @chord, 3) and {distance} <= @chord");
        }

        var selected = $"select {Columns}" + (near is not null ? $", {distance} as distance_m" : string.Empty);
        var order = sort switch
        {
            DonationSort.Relevance => "sort_key desc, id desc",
            DonationSort.Distance => "sort_key, id",
            _ => "created_at desc, id desc",
        };
        var sql = sort switch
        {
            DonationSort.Relevance =>
                $"select * from ({selected}, ts_rank(search, {query})::float8 as sort_key{where} order by created_at desc, id desc limit {RelevanceCandidates}) c"
                + (page.After is null ? string.Empty : " where (sort_key, id) < (@afterKey, @afterId)")
                + $" order by {order} limit @take",
            DonationSort.Distance when qAmongNearest =>
                $"select * from (select * from ({selected}, {distance} as sort_key, search @@ {query} as q_hit{where}"
                + (page.After is null ? string.Empty : $" and {distance} >= @afterKey")
                + $" order by {distance} limit {NearCandidates}) n where q_hit order by sort_key limit @take + {DistanceTies}) c"
                + (page.After is null ? string.Empty : " where (sort_key, id) > (@afterKey, @afterId)")
                + $" order by {order} limit @take",
            DonationSort.Distance =>
                $"select * from ({selected}, {distance} as sort_key{where}"
                + (page.After is null ? string.Empty : $" and {distance} >= @afterKey")
                + $" order by {distance} limit @take + {DistanceTies}) c"
                + (page.After is null ? string.Empty : " where (sort_key, id) > (@afterKey, @afterId)")
                + $" order by {order} limit @take",
            _ => selected + where
                + (page.After is null ? string.Empty : " and (created_at, id) < (@afterAt, @afterId)")
                + $" order by {order} limit @take",
        };
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var transaction = sort == DonationSort.Distance ? await connection.BeginTransactionAsync(cancellationToken) : null;
        if (transaction is not null)
        {
            // The planner reckons a radius's box holds 0.1 % of the rows (cube's fixed estimate), so it
            // reads every point in the box through a bitmap and sorts them (80,000 rows, 150-200 ms for
            // 200 km on the benchmark's data); without bitmap scans it walks the GiST index nearest first
            // and stops after the page (10 ms).
            await connection.ExecuteAsync(new CommandDefinition("set local enable_bitmapscan = off", transaction: transaction, cancellationToken: cancellationToken));
        }

        var rows = await connection.QueryAsync<Donation>(new CommandDefinition(
            WithImages(sql, order),
            new
            {
                publicStates = PublicStates,
                callerId = caller?.UserId,
                status = filter.Status?.ToText(),
                category = filter.Category?.ToText(),
                filter.DonorId,
                config = search.Configuration,
                q = filter.Query,
                nearLat = near?.Latitude,
                nearLng = near?.Longitude,
                chord = near?.ChordM(),
                afterAt = page.After?.AtOffset,
                afterKey = page.After?.Key,
                afterId = page.After?.Id,
                take = page.Limit + 1,
            },
            transaction,
            cancellationToken: cancellationToken));
        return rows.AsList();
    }

    /// <summary>A read of donations with their images, in one statement: a page costs one round trip.</summary>
    private static string WithImages(string sql, string orderBy) => DonationImageStore.Table.WithFilesSql(sql, orderBy);

    /// <summary>The cursor after <paramref name="donation"/> in a list sorted by <paramref name="sort"/>.</summary>
    public static Cursor CursorOf(Donation donation, DonationSort sort) => sort == DonationSort.Newest
        ? new Cursor(donation.CreatedAt, donation.Id)
        : Cursor.Sorted(sort.ToText(), donation.SortKey ?? 0, donation.Id);
}
