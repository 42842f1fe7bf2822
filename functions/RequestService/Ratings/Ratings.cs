using System.ComponentModel;
using Dapper;
using Platform.Data;
using Platform.Hosting.Http;

namespace RequestService.Ratings;

/// <summary>A ratings row.</summary>
public sealed class RatingRow
{
    public Guid Id { get; init; }

    public Guid RequestId { get; init; }

    public Guid DonorId { get; init; }

    public Guid RecipientId { get; init; }

    public short Rating { get; init; }

    public string? Comment { get; init; }

    public DateTime CreatedAt { get; init; }
}

public sealed record RatingView(Guid Id, Guid RequestId, Guid DonorId, Guid RecipientId, int Rating, string? Comment, DateTime CreatedAt)
{
    public static RatingView From(RatingRow r) => new(r.Id, r.RequestId, r.DonorId, r.RecipientId, r.Rating, r.Comment, r.CreatedAt);
}

/// <summary>The body of a rating, with its rules.</summary>
public sealed record RatingBody([property: Required, Uuid] string? RequestId, [property: Required, Range(1, 5)] int? Rating, [property: Text(0, 1000)] string? Comment)
{
    /// <summary>The checked fields (an empty comment is none).</summary>
    public RatingDraft ToDraft() => new(Guid.ParseExact(RequestId!, "D"), Rating!.Value, string.IsNullOrEmpty(Comment) ? null : Comment);
}

/// <summary>The checked fields of a rating.</summary>
public sealed record RatingDraft(Guid RequestId, int Rating, string? Comment);

/// <summary>The list query of ratings.</summary>
public sealed record RatingFilter([property: Description("Only this donor's ratings.")] Guid? DonorId);

/// <summary>The SQL of ratings.</summary>
public sealed class RatingStore(ServiceDatabase database)
{
    private const string Columns = "id, request_id, donor_id, recipient_id, rating, comment, created_at";

    /// <summary>Inserts the rating of a request; null when that request was rated already.</summary>
    public Task<RatingRow?> InsertAsync(UnitOfWork uow, Requests.DonationRequest request, int rating, string? comment, CancellationToken cancellationToken) =>
        uow.Connection.QuerySingleOrDefaultAsync<RatingRow>(new CommandDefinition(
            $"""
            insert into request.ratings (id, request_id, donor_id, recipient_id, rating, comment)
            values (@id, @requestId, @DonorId, @RecipientId, @rating, @comment)
            on conflict (request_id) do nothing
            returning {Columns}
            """,
            new { id = Guid.CreateVersion7(), requestId = request.Id, request.DonorId, request.RecipientId, rating = (short)rating, comment },
            uow.Transaction,
            cancellationToken: cancellationToken));

    public async Task<IReadOnlyList<RatingRow>> ListAsync(RatingFilter filter, PageRequest page, CancellationToken cancellationToken)
    {
        var sql = $"select {Columns} from request.ratings where true"
            + (filter.DonorId is null ? string.Empty : " and donor_id = @DonorId")
            + (page.After is null ? string.Empty : " and (created_at, id) < (@afterAt, @afterId)")
            + " order by created_at desc, id desc limit @take";
        await using var connection = await database.OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<RatingRow>(new CommandDefinition(
            sql,
            new { filter.DonorId, afterAt = page.After?.AtOffset, afterId = page.After?.Id, take = page.Limit + 1 },
            cancellationToken: cancellationToken));
        return rows.AsList();
    }
}
