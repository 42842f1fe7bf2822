using Dapper;
using Platform.Data;
using Platform.Data.Import;

namespace MessagingService.Import;

/// <summary>A row of the original app's <c>public.reports</c>, with what the checks need from its profiles and donation.</summary>
public sealed class LegacyReport : ILegacyRow
{
    public Guid Id { get; init; }

    public Guid? ReporterId { get; init; }

    public Guid? ReportedUserId { get; init; }

    public Guid? DonationId { get; init; }

    public Guid? CampaignId { get; init; }

    public string? Reason { get; init; }

    public string? Description { get; init; }

    public string? Status { get; init; }

    public string? AdminNotes { get; init; }

    public DateTime? CreatedAt { get; init; }

    public DateTime? UpdatedAt { get; init; }

    public bool ReporterFound { get; init; }

    public bool ReportedUserFound { get; init; }

    /// <summary>The reported donation's donor in <c>public.donations</c> (null: no such donation).</summary>
    public Guid? DonationOwnerId { get; init; }
}

/// <summary>
/// <c>public.reports</c> → <c>messaging.reports</c>, keeping the original ids. The original's report
/// names a user, a donation or a campaign in separate columns: the target is the donation if named,
/// else the campaign, else the user; the user to block is the reported user, or the donation's donor
/// (also kept in <c>messaging.target_owners</c>, so resolving the report can block them). A campaign's
/// existence cannot be checked here (it lives in the campaign database). Reviewed and resolved
/// reports carry action <c>none</c> and the nil id as the deciding admin (the original kept neither).
/// One open report per reporter and target: later duplicates are skipped.
/// </summary>
public sealed class ReportImport : LegacyTableImport<LegacyReport>
{
    public const int ReasonLimit = 200;
    public const int DescriptionLimit = 2000;
    public const string NoReason = "(no reason given)";

    private static readonly Dictionary<string, string> Statuses = new(StringComparer.OrdinalIgnoreCase)
    {
        ["pending"] = "open",
        ["open"] = "open",
        ["new"] = "open",
        ["reviewed"] = "reviewed",
        ["in_review"] = "reviewed",
        ["investigating"] = "reviewed",
        ["resolved"] = "resolved",
        ["closed"] = "resolved",
        ["dismissed"] = "resolved",
    };

    public override string Source => "public.reports";

    protected override string From =>
        """
        public.reports t
          left join public.profiles rp on rp.id = t.reporter_id
          left join public.profiles up on up.id = t.reported_user_id
          left join public.donations d on d.id = t.donation_id
        """;

    protected override string Key => "t.id";

    protected override string Columns =>
        """
        t.id, t.reporter_id, t.reported_user_id, t.donation_id, t.campaign_id, t.reason, t.description, t.status, t.admin_notes,
        t.created_at, t.updated_at, rp.id is not null as reporter_found, up.id is not null as reported_user_found, d.donor_id as donation_owner_id
        """;

    /// <summary>Why the platform refuses the report (null: it takes it).</summary>
    public static string? Refusal(LegacyReport row) => row switch
    {
        { ReporterId: null } => "reporter_id is empty",
        { ReporterFound: false } => $"reporter {row.ReporterId} has no profile (missing from public.profiles)",
        { DonationId: not null, DonationOwnerId: null } => $"donation {row.DonationId} does not exist in public.donations",
        { DonationId: null, CampaignId: null, ReportedUserId: null } => "names nothing to report (no user, donation or campaign)",
        { DonationId: null, CampaignId: null, ReportedUserFound: false } => $"reported user {row.ReportedUserId} has no profile (missing from public.profiles)",
        _ => null,
    };

    /// <summary>The platform's status for the original's; an unknown one goes back to moderation (open).</summary>
    public static (string Status, string? Repair) Status(string? original) =>
        original is not null && Statuses.TryGetValue(original.Trim(), out var status)
            ? (status, null)
            : ("open", $"status '{original}' is unknown: open (back to moderation)");

    protected override async Task WriteAsync(UnitOfWork uow, IReadOnlyList<LegacyReport> rows, ImportBatch batch, CancellationToken cancellationToken)
    {
        var candidates = new List<MappedReport>(rows.Count);
        foreach (var row in rows)
        {
            if (Refusal(row) is { } reason)
            {
                batch.Skip(row.Id, reason);
            }
            else
            {
                candidates.Add(Map(row, batch));
            }
        }

        // One open report per reporter and target: one already in the platform, or this page's first.
        var open = candidates.Where(c => c.Status == "open").ToList();
        var taken = (await uow.Connection.QueryAsync<(Guid Id, Guid ReporterId, string TargetType, Guid TargetId)>(new CommandDefinition(
            """
            select r.id, r.reporter_id, r.target_type, r.target_id from messaging.reports r
              join (select distinct * from unnest(@reporters, @types, @targets)) as k(reporter_id, target_type, target_id) using (reporter_id, target_type, target_id)
             where r.status = 'open'
            """,
            new { reporters = open.Select(c => c.ReporterId).ToArray(), types = open.Select(c => c.TargetType).ToArray(), targets = open.Select(c => c.TargetId).ToArray() },
            uow.Transaction,
            cancellationToken: cancellationToken))).ToDictionary(t => (t.ReporterId, t.TargetType, t.TargetId), t => t.Id);
        var mapped = new List<MappedReport>(candidates.Count);
        foreach (var report in candidates)
        {
            var key = (report.ReporterId, report.TargetType, report.TargetId);
            if (report.Status == "open")
            {
                if (taken.TryGetValue(key, out var holder) && holder != report.Id)
                {
                    batch.Skip(report.Id, $"duplicate of open report {holder} (one open report per reporter and target)");
                    continue;
                }

                taken[key] = report.Id;
            }

            mapped.Add(report);
        }

        if (mapped.Count == 0)
        {
            return;
        }

        var written = (await uow.Connection.QueryAsync<bool>(new CommandDefinition(
            """
            with input as (
                select * from unnest(@Id, @ReporterId, @TargetType, @TargetId, @SubjectUserId, @Reason, @Description, @Status,
                                     @Action, @ResolvedBy, @ResolvedAt, @CreatedAt, @UpdatedAt)
                    as i(id, reporter_id, target_type, target_id, subject_user_id, reason, description, status, action, resolved_by,
                         resolved_at, created_at, updated_at)),
            owners as (
                insert into messaging.target_owners (target_type, target_id, owner_id)
                select distinct on (target_id) target_type, target_id, subject_user_id from input
                 where target_type = 'donation' and subject_user_id is not null
                on conflict (target_type, target_id) do nothing)
            insert into messaging.reports as r (id, reporter_id, target_type, target_id, subject_user_id, reason, description, status,
                                                action, resolved_by, resolved_at, created_at, updated_at)
            select * from input
            on conflict (id) do update set reporter_id = excluded.reporter_id, target_type = excluded.target_type, target_id = excluded.target_id,
                subject_user_id = excluded.subject_user_id, reason = excluded.reason, description = excluded.description, status = excluded.status,
                action = excluded.action, resolved_by = excluded.resolved_by, resolved_at = excluded.resolved_at,
                created_at = excluded.created_at, updated_at = excluded.updated_at
             where (r.reporter_id, r.target_type, r.target_id, r.subject_user_id, r.reason, r.description, r.status, r.action, r.resolved_at, r.created_at)
                is distinct from (excluded.reporter_id, excluded.target_type, excluded.target_id, excluded.subject_user_id, excluded.reason,
                excluded.description, excluded.status, excluded.action, excluded.resolved_at, excluded.created_at)
            returning (r.xmax = 0)
            """,
            new
            {
                Id = mapped.Select(m => m.Id).ToArray(),
                ReporterId = mapped.Select(m => m.ReporterId).ToArray(),
                TargetType = mapped.Select(m => m.TargetType).ToArray(),
                TargetId = mapped.Select(m => m.TargetId).ToArray(),
                SubjectUserId = mapped.Select(m => m.SubjectUserId).ToArray(),
                Reason = mapped.Select(m => m.Reason).ToArray(),
                Description = mapped.Select(m => m.Description).ToArray(),
                Status = mapped.Select(m => m.Status).ToArray(),
                Action = mapped.Select(m => m.Status == "open" ? null : "none").ToArray(),
                ResolvedBy = mapped.Select(m => m.Status == "open" ? (Guid?)null : Guid.Empty).ToArray(),
                ResolvedAt = mapped.Select(m => m.Status == "open" ? (DateTime?)null : m.UpdatedAt).ToArray(),
                CreatedAt = mapped.Select(m => m.CreatedAt).ToArray(),
                UpdatedAt = mapped.Select(m => m.UpdatedAt).ToArray(),
            },
            uow.Transaction,
            cancellationToken: cancellationToken))).AsList();
        var inserted = written.Count(w => w);
        batch.Wrote(inserted, written.Count - inserted);
    }

    /// <summary>The platform's report for an original one it takes; every changed value is reported as a repair.</summary>
    public static MappedReport Map(LegacyReport row, ImportBatch batch)
    {
        var (type, target, subject) = row switch
        {
            { DonationId: { } donation } => ("donation", donation, row.DonationOwnerId),
            { CampaignId: { } campaign } => ("campaign", campaign, row.ReportedUserFound ? row.ReportedUserId : null),
            _ => ("user", row.ReportedUserId!.Value, row.ReportedUserId),
        };
        var reason = string.IsNullOrWhiteSpace(row.Reason)
            ? batch.Use(row.Id, (NoReason, "reason is empty: '" + NoReason + "'"))
            : batch.Use(row.Id, LegacyFields.Cut("reason", row.Reason, ReasonLimit))!;
        var description = batch.Use(row.Id, LegacyFields.Cut("description", row.Description, DescriptionLimit));
        var status = batch.Use(row.Id, Status(row.Status));
        if (!string.IsNullOrWhiteSpace(row.AdminNotes))
        {
            batch.Repair(row.Id, "admin_notes not kept (the platform has no such field)");
        }

        var created = batch.Use(row.Id, LegacyFields.CreatedAt(row.CreatedAt, row.UpdatedAt));
        return new MappedReport(row.Id, row.ReporterId!.Value, type, target, subject, reason, description, status, created, row.UpdatedAt ?? created);
    }
}

/// <summary>A report as the platform stores it.</summary>
public sealed record MappedReport(
    Guid Id,
    Guid ReporterId,
    string TargetType,
    Guid TargetId,
    Guid? SubjectUserId,
    string Reason,
    string? Description,
    string Status,
    DateTime CreatedAt,
    DateTime UpdatedAt);
