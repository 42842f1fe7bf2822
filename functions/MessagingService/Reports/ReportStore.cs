using System.Text;
using Dapper;
using Platform.Data;
using Platform.Hosting.Auth;
using Platform.Hosting.Http;

namespace MessagingService.Reports;

/// <summary>The SQL of reports. Writes run inside the caller's unit of work.</summary>
public sealed class ReportStore(ServiceDatabase database) : IReportStore
{
    private const string Columns =
        "id, reporter_id, target_type, target_id, subject_user_id, reason, description, status, action, resolved_by, resolved_at, created_at, updated_at";

    /// <summary>Files an open report; null when the reporter already has an open report about the same target.</summary>
    public Task<Report?> InsertAsync(UnitOfWork uow, Guid reporterId, ReportDraft draft, Guid? subjectUserId, CancellationToken cancellationToken) =>
        uow.Connection.QuerySingleOrDefaultAsync<Report>(new CommandDefinition(
            $"""
            insert into messaging.reports (id, reporter_id, target_type, target_id, subject_user_id, reason, description)
            values (@id, @reporterId, @targetType, @TargetId, @subjectUserId, @Reason, @Description)
            on conflict (reporter_id, target_type, target_id) where status = 'open' do nothing
            returning {Columns}
            """,
            new { id = Guid.CreateVersion7(), reporterId, targetType = draft.TargetType.ToText(), draft.TargetId, subjectUserId, draft.Reason, draft.Description },
            uow.Transaction,
            cancellationToken: cancellationToken));

    public Task<Report?> LockAsync(UnitOfWork uow, Guid id, CancellationToken cancellationToken) =>
        uow.Connection.QuerySingleOrDefaultAsync<Report>(new CommandDefinition(
            $"select {Columns} from messaging.reports where id = @id for update", new { id }, uow.Transaction, cancellationToken: cancellationToken));

    public Task<Report> ResolveAsync(UnitOfWork uow, Guid id, Resolution resolution, Guid adminId, Guid? subjectUserId, CancellationToken cancellationToken) =>
        uow.Connection.QuerySingleAsync<Report>(new CommandDefinition(
            $"""
            update messaging.reports
               set status = @status, action = @action, resolved_by = @adminId, resolved_at = now(),
                   subject_user_id = coalesce(subject_user_id, @subjectUserId), updated_at = now()
             where id = @id
            returning {Columns}
            """,
            new { id, status = resolution.Status.ToText(), action = resolution.Action.ToText(), adminId, subjectUserId },
            uow.Transaction,
            cancellationToken: cancellationToken));

    /// <summary>Whether anyone has reported this target (in any state).</summary>
    public Task<bool> IsReportedAsync(UnitOfWork uow, string targetType, Guid targetId, CancellationToken cancellationToken) =>
        uow.Connection.ExecuteScalarAsync<bool>(new CommandDefinition(
            "select exists (select 1 from messaging.reports where target_type = @targetType and target_id = @targetId)",
            new { targetType, targetId },
            uow.Transaction,
            cancellationToken: cancellationToken));

    /// <summary>A page of reports newest first: a user's own, or for admins everyone's.</summary>
    public async Task<IReadOnlyList<Report>> ListAsync(Caller caller, ReportStatus? status, PageRequest page, CancellationToken cancellationToken)
    {
        var sql = new StringBuilder($"select {Columns} from messaging.reports where true");
        if (!caller.IsAdmin)
        {
            sql.Append(" and reporter_id = @me");
        }

        if (status is not null)
        {
            sql.Append(" and status = @status");
        }

        if (page.After is not null)
        {
            sql.Append(" and (created_at, id) < (@afterAt, @afterId)");
        }

        sql.Append(" order by created_at desc, id desc limit @take");
        await using var connection = await database.OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<Report>(new CommandDefinition(
            sql.ToString(),
            new { me = caller.UserId, status = status?.ToText(), afterAt = page.After?.AtOffset, afterId = page.After?.Id, take = page.Limit + 1 },
            cancellationToken: cancellationToken));
        return rows.AsList();
    }
}

/// <summary>Reads and writes of reports; writes join the caller's unit of work.</summary>
public interface IReportStore
{
    Task<Report?> InsertAsync(UnitOfWork uow, Guid reporterId, ReportDraft draft, Guid? subjectUserId, CancellationToken cancellationToken);

    Task<Report?> LockAsync(UnitOfWork uow, Guid id, CancellationToken cancellationToken);

    Task<Report> ResolveAsync(UnitOfWork uow, Guid id, Resolution resolution, Guid adminId, Guid? subjectUserId, CancellationToken cancellationToken);

    Task<bool> IsReportedAsync(UnitOfWork uow, string targetType, Guid targetId, CancellationToken cancellationToken);

    Task<IReadOnlyList<Report>> ListAsync(Caller caller, ReportStatus? status, PageRequest page, CancellationToken cancellationToken);
}
