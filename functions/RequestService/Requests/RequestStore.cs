using System.Text;
using Dapper;
using Platform.Data;
using Platform.Hosting.Auth;
using Platform.Hosting.Http;

namespace RequestService.Requests;

/// <summary>The SQL of requests. Writes run inside the caller's unit of work.</summary>
public sealed class RequestStore(ServiceDatabase database) : IRequestStore
{
    private const string Columns = "id, donation_id, donor_id, recipient_id, message, status, reason, version, created_at, updated_at";

    public async Task<DonationRequest?> FindAsync(Guid id, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await connection.QuerySingleOrDefaultAsync<DonationRequest>(new CommandDefinition(
            $"select {Columns} from request.requests where id = @id", new { id }, cancellationToken: cancellationToken));
    }

    public Task<DonationRequest?> LockAsync(UnitOfWork uow, Guid id, CancellationToken cancellationToken) =>
        uow.Connection.QuerySingleOrDefaultAsync<DonationRequest>(new CommandDefinition(
            $"select {Columns} from request.requests where id = @id for update", new { id }, uow.Transaction, cancellationToken: cancellationToken));

    /// <summary>Locks the open requests of a donation (or of a recipient), oldest first.</summary>
    public async Task<IReadOnlyList<DonationRequest>> LockOpenAsync(UnitOfWork uow, Guid? donationId, Guid? recipientId, IReadOnlyList<RequestStatus> states, CancellationToken cancellationToken)
    {
        var rows = await uow.Connection.QueryAsync<DonationRequest>(new CommandDefinition(
            $"""
            select {Columns} from request.requests
             where (@donationId::uuid is null or donation_id = @donationId)
               and (@recipientId::uuid is null or recipient_id = @recipientId)
               and status = any(@states)
             order by created_at, id
               for update
            """,
            new { donationId, recipientId, states = states.Select(s => s.ToText()).ToArray() },
            uow.Transaction,
            cancellationToken: cancellationToken));
        return rows.AsList();
    }

    /// <summary>Inserts a pending request; null when the recipient already asked for this donation.</summary>
    public Task<DonationRequest?> InsertAsync(UnitOfWork uow, Guid donationId, Guid donorId, Guid recipientId, string? message, CancellationToken cancellationToken) =>
        uow.Connection.QuerySingleOrDefaultAsync<DonationRequest>(new CommandDefinition(
            $"""
            insert into request.requests (id, donation_id, donor_id, recipient_id, message)
            values (@id, @donationId, @donorId, @recipientId, @message)
            on conflict (donation_id, recipient_id) do nothing
            returning {Columns}
            """,
            new { id = Guid.CreateVersion7(), donationId, donorId, recipientId, message },
            uow.Transaction,
            cancellationToken: cancellationToken));

    public Task<DonationRequest> SetStatusAsync(UnitOfWork uow, Guid id, RequestStatus status, string? reason, CancellationToken cancellationToken) =>
        uow.Connection.QuerySingleAsync<DonationRequest>(new CommandDefinition(
            $"""
            update request.requests set status = @status, reason = coalesce(@reason, reason), version = version + 1, updated_at = now()
             where id = @id
            returning {Columns}
            """,
            new { id, status = status.ToText(), reason },
            uow.Transaction,
            cancellationToken: cancellationToken));

    public async Task<IReadOnlyList<DonationRequest>> ListAsync(RequestFilter filter, Caller caller, PageRequest page, CancellationToken cancellationToken)
    {
        var sql = new StringBuilder($"select {Columns} from request.requests where true");
        sql.Append(filter.Role switch
        {
            RequestListRole.Mine => " and recipient_id = @me",
            RequestListRole.Received => " and donor_id = @me",
            _ when caller.IsAdmin => string.Empty,
            _ => " and (recipient_id = @me or donor_id = @me)",
        });
        if (filter.DonationId is not null)
        {
            sql.Append(" and donation_id = @DonationId");
        }

        if (filter.Status is not null)
        {
            sql.Append(" and status = @status");
        }

        if (page.After is not null)
        {
            sql.Append(" and (created_at, id) < (@afterAt, @afterId)");
        }

        sql.Append(" order by created_at desc, id desc limit @take");
        await using var connection = await database.OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<DonationRequest>(new CommandDefinition(
            sql.ToString(),
            new
            {
                me = caller.UserId,
                filter.DonationId,
                status = filter.Status?.ToText(),
                afterAt = page.After?.AtOffset,
                afterId = page.After?.Id,
                take = page.Limit + 1,
            },
            cancellationToken: cancellationToken));
        return rows.AsList();
    }
}

/// <summary>Reads and writes of requests; writes join the caller's unit of work.</summary>
public interface IRequestStore
{
    Task<DonationRequest?> FindAsync(Guid id, CancellationToken cancellationToken);

    Task<DonationRequest?> LockAsync(UnitOfWork uow, Guid id, CancellationToken cancellationToken);

    Task<IReadOnlyList<DonationRequest>> LockOpenAsync(UnitOfWork uow, Guid? donationId, Guid? recipientId, IReadOnlyList<RequestStatus> states, CancellationToken cancellationToken);

    Task<DonationRequest?> InsertAsync(UnitOfWork uow, Guid donationId, Guid donorId, Guid recipientId, string? message, CancellationToken cancellationToken);

    Task<DonationRequest> SetStatusAsync(UnitOfWork uow, Guid id, RequestStatus status, string? reason, CancellationToken cancellationToken);

    Task<IReadOnlyList<DonationRequest>> ListAsync(RequestFilter filter, Caller caller, PageRequest page, CancellationToken cancellationToken);
}
