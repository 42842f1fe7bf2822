using System.ComponentModel;
using Dapper;
using Platform.Data;
using Platform.Hosting.Auth;
using Platform.Hosting.Http;

namespace RequestService.Ratings;

/// <summary>A ratings row, with the donation of its request.</summary>
public sealed class RatingRow
{
    public Guid Id { get; init; }

    public Guid RequestId { get; init; }

    public Guid DonationId { get; init; }

    public Guid DonorId { get; init; }

    public Guid RecipientId { get; init; }

    public short Rating { get; init; }

    public string? Comment { get; init; }

    public long Version { get; init; }

    public DateTime CreatedAt { get; init; }

    public DateTime? UpdatedAt { get; init; }

    /// <summary>Set by <see cref="RatingStore.LockAsync"/>: still inside the edit window by the database's clock.</summary>
    public bool Editable { get; init; }
}

/// <summary>
/// A rating as <paramref name="RecipientId"/> and <paramref name="RequestId"/> show it: only to the
/// recipient who wrote it, the donor and admins; for everyone else (the public lists) they are null,
/// so a public rating does not name who received the item.
/// </summary>
public sealed record RatingView(
    Guid Id,
    Guid DonationId,
    Guid DonorId,
    [property: Description("Only for the recipient who wrote it, the donor and admins; null for everyone else.")] Guid? RequestId,
    [property: Description("Only for the recipient who wrote it, the donor and admins; null for everyone else.")] Guid? RecipientId,
    int Rating,
    string? Comment,
    DateTime CreatedAt,
    [property: Description("When the rating or comment was last changed; null if never.")] DateTime? UpdatedAt,
    [property: Description("The recipient may change the rating and comment until then (30 days after it was given).")] DateTime EditableUntil)
{
    public static RatingView From(RatingRow r, Caller? caller)
    {
        var party = caller is not null && (caller.IsAdmin || caller.UserId == r.RecipientId || caller.UserId == r.DonorId);
        return new(r.Id, r.DonationId, r.DonorId, party ? r.RequestId : null, party ? r.RecipientId : null, r.Rating, r.Comment, r.CreatedAt, r.UpdatedAt,
            r.CreatedAt + RatingStore.EditWindow);
    }
}

/// <summary>The body of a rating, with its rules.</summary>
public sealed record RatingBody([property: Required, Uuid] string? RequestId, [property: Required, Range(1, 5)] int? Rating, [property: Text(0, 1000)] string? Comment)
{
    /// <summary>The checked fields (an empty comment is none).</summary>
    public RatingDraft ToDraft() => new(Guid.ParseExact(RequestId!, "D"), Rating!.Value, string.IsNullOrEmpty(Comment) ? null : Comment);
}

/// <summary>A change of one's rating: both fields are replaced (an absent or empty comment clears it).</summary>
public sealed record RatingChangeBody([property: Required, Range(1, 5)] int? Rating, [property: Text(0, 1000)] string? Comment)
{
    public string? CommentOrNull() => string.IsNullOrEmpty(Comment) ? null : Comment;
}

/// <summary>The checked fields of a rating.</summary>
public sealed record RatingDraft(Guid RequestId, int Rating, string? Comment);

/// <summary>The list query of ratings.</summary>
public sealed record RatingFilter(
    [property: Description("Only this donor's ratings.")] Guid? DonorId,
    [property: Description("Only the rating of this donation's hand-over (issue 17).")] Guid? DonationId);

/// <summary>The SQL of ratings.</summary>
public sealed class RatingStore(ServiceDatabase database)
{
    /// <summary>How long after giving it the recipient may change a rating.</summary>
    public static readonly TimeSpan EditWindow = TimeSpan.FromDays(30);

    private const string Columns = "r.id, r.request_id, q.donation_id, r.donor_id, r.recipient_id, r.rating, r.comment, r.version, r.created_at, r.updated_at";

    /// <summary>Inserts the rating of a request; null when that request was rated already.</summary>
    public Task<RatingRow?> InsertAsync(UnitOfWork uow, Requests.DonationRequest request, int rating, string? comment, CancellationToken cancellationToken) =>
        uow.Connection.QuerySingleOrDefaultAsync<RatingRow>(new CommandDefinition(
            $"""
            with r as (
                insert into request.ratings (id, request_id, donor_id, recipient_id, rating, comment)
                values (@id, @requestId, @DonorId, @RecipientId, @rating, @comment)
                on conflict (request_id) do nothing
                returning *)
            select {Columns} from r join request.requests q on q.id = r.request_id
            """,
            new { id = Guid.CreateVersion7(), requestId = request.Id, request.DonorId, request.RecipientId, rating = (short)rating, comment },
            uow.Transaction,
            cancellationToken: cancellationToken));

    /// <summary>Locks a rating for a change; <see cref="RatingRow.Editable"/> says whether the window is still open.</summary>
    public Task<RatingRow?> LockAsync(UnitOfWork uow, Guid id, CancellationToken cancellationToken) =>
        uow.Connection.QuerySingleOrDefaultAsync<RatingRow>(new CommandDefinition(
            $"""
            select {Columns}, r.created_at + @window > now() as editable
              from request.ratings r join request.requests q on q.id = r.request_id
             where r.id = @id
               for update of r
            """,
            new { id, window = EditWindow },
            uow.Transaction,
            cancellationToken: cancellationToken));

    /// <summary>Replaces a locked rating's stars and comment (a new version).</summary>
    public Task<RatingRow> ChangeAsync(UnitOfWork uow, Guid id, int rating, string? comment, CancellationToken cancellationToken) =>
        uow.Connection.QuerySingleAsync<RatingRow>(new CommandDefinition(
            $"""
            with r as (
                update request.ratings set rating = @rating, comment = @comment, version = version + 1, updated_at = now()
                 where id = @id
                returning *)
            select {Columns} from r join request.requests q on q.id = r.request_id
            """,
            new { id, rating = (short)rating, comment },
            uow.Transaction,
            cancellationToken: cancellationToken));

    public async Task<IReadOnlyList<RatingRow>> ListAsync(RatingFilter filter, PageRequest page, CancellationToken cancellationToken)
    {
        var sql = $"select {Columns} from request.ratings r join request.requests q on q.id = r.request_id where true"
            + (filter.DonorId is null ? string.Empty : " and r.donor_id = @DonorId")
            + (filter.DonationId is null ? string.Empty : " and q.donation_id = @DonationId")
            + (page.After is null ? string.Empty : " and (r.created_at, r.id) < (@afterAt, @afterId)")
            + " order by r.created_at desc, r.id desc limit @take";
        await using var connection = await database.OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<RatingRow>(new CommandDefinition(
            sql,
            new { filter.DonorId, filter.DonationId, afterAt = page.After?.AtOffset, afterId = page.After?.Id, take = page.Limit + 1 },
            cancellationToken: cancellationToken));
        return rows.AsList();
    }
}
