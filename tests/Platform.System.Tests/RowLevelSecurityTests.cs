using System.Data;
using System.Globalization;
using System.Text;
using Dapper;
using Npgsql;
using Platform.Testing;

namespace Platform.SystemTests;

/// <summary>
/// Issue 7, item 4: what a frontend talking to Supabase's Data API directly could read or change.
/// Each check connects to a database, and inside a transaction that is always rolled back becomes
/// <c>anon</c> or <c>authenticated</c> with <c>request.jwt.claims</c> set as PostgREST sets them.
/// Every table and view of every service schema (a schema with <c>schema_migrations</c>, found in the
/// catalog, so a new table is covered without touching this file) is checked: anon sees only what is
/// public, a signed-in user only public rows and their own, nobody writes, platform tables show nothing.
/// </summary>
[Collection(PlatformCollection.Name)]
public sealed class RowLevelSecurityTests(PlatformFixture platform, ITestOutputHelper output)
{
    private const string ListedDonations = "deleted_at is null and status in ('available', 'claimed', 'completed')";
    private const string ListedCampaigns = "deleted_at is null and status in ('active', 'paused', 'completed', 'ended')";

    /// <summary>
    /// What each role may read, as a predicate over the table's rows (<c>@uid</c> = the signed-in user);
    /// a table that is not here must show nothing to either role. From DESIGN-NOTES and API.md: listed
    /// donations and campaigns and all ratings are public; profiles, requests, messages, reports,
    /// notifications and contributions are their parties' only.
    /// </summary>
    private static readonly Dictionary<string, (string? Anon, string? User)> Readable = new()
    {
        ["donation.profiles"] = (null, "id = @uid"),
        ["donation.donations"] = (ListedDonations, $"({ListedDonations}) or (deleted_at is null and donor_id = @uid)"),
        ["request.requests"] = (null, "@uid in (recipient_id, donor_id)"),
        ["request.ratings"] = ("true", "true"),
        ["messaging.messages"] = (null, "@uid in (sender_id, receiver_id)"),
        ["messaging.reports"] = (null, "reporter_id = @uid"),
        ["messaging.notifications"] = (null, "user_id = @uid"),
        ["campaign.campaigns"] = (ListedCampaigns, $"({ListedCampaigns}) or (deleted_at is null and recipient_id = @uid)"),
        ["campaign.contributions"] = (null,
            "contributor_id = @uid or exists (select 1 from campaign.campaigns c where c.id = campaign_id and c.recipient_id = @uid and c.deleted_at is null)"),
    };

    private static readonly Dictionary<string, string[]> ExpectedSchemas = new()
    {
        ["main"] = ["donation", "request", "messaging"],
        ["campaign"] = ["campaign"],
    };

    private static IEnumerable<(string Name, string Connection)> Databases =>
        [("main", TestEnvironment.MainDb), ("campaign", TestEnvironment.CampaignDb)];

    [Fact]
    public async Task Every_service_schema_grants_usage_to_anon_and_authenticated_so_policies_are_reached()
    {
        var missing = new List<string>();
        foreach (var (name, connection) in Databases)
        {
            var schemas = await SchemasAsync(connection);
            Assert.Superset(ExpectedSchemas[name].ToHashSet(), schemas.ToHashSet());
            foreach (var schema in schemas)
            {
                foreach (var role in new[] { "anon", "authenticated" })
                {
                    var usage = await PlatformFixture.ScalarAsync<bool>(connection, "select has_schema_privilege(@role, @schema, 'USAGE')", new { role, schema });
                    output.WriteLine($"{name}.{schema}: usage for {role}: {usage}");
                    if (!usage)
                    {
                        missing.Add($"{name}: schema {schema} lacks 'grant usage on schema {schema} to {role}'");
                    }
                }
            }
        }

        Assert.True(missing.Count == 0, string.Join(Environment.NewLine, missing));
    }

    [Fact]
    public async Task Every_table_of_every_service_schema_has_row_level_security_enabled()
    {
        var off = new List<string>();
        foreach (var (name, connection) in Databases)
        {
            foreach (var table in await TablesAsync(connection))
            {
                output.WriteLine($"{name}: {table.Qualified} ({table.Kind}) row level security: {(table.Rls ? "on" : "OFF")}");
                if (table.Kind == "table" && !table.Rls)
                {
                    off.Add($"{name}: {table.Qualified}");
                }
            }
        }

        // DESIGN-NOTES: "Row-level security is on for every table ... Platform tables have RLS on and no policy".
        Assert.True(off.Count == 0, "Tables with row-level security off (DESIGN-NOTES says it is on for every table): " + string.Join(", ", off));
    }

    [Fact]
    public async Task Anon_sees_only_public_rows_and_a_signed_in_user_only_public_rows_and_their_own_in_every_table()
    {
        var (u1, u2) = await UsersWithRowsEverywhereAsync();
        var subjects = new (string Name, Guid? User)[] { ("anon", null), ("a stranger", Guid.NewGuid()), ("user 1 (donor)", u1.Id), ("user 2 (verified)", u2.Id) };
        var lines = new List<string>();
        var failures = new List<string>();
        var ownRows = new Dictionary<string, long>();

        foreach (var (dbName, connection) in Databases)
        {
            foreach (var table in await TablesAsync(connection))
            {
                Readable.TryGetValue(table.Qualified, out var rule);
                foreach (var (subject, user) in subjects)
                {
                    var predicate = user is null ? rule.Anon : rule.User;
                    var seen = await ReadAsAsync(connection, table.Qualified, user, predicate);
                    lines.Add($"{dbName,-9}{table.Qualified,-34}{subject,-20}{seen}");
                    if (user == u1.Id || user == u2.Id || (user is null && predicate is not null))
                    {
                        ownRows[table.Qualified] = ownRows.GetValueOrDefault(table.Qualified) + seen.Expected;
                    }

                    if (seen.Outside > 0)
                    {
                        failures.Add($"{table.Qualified} as {subject}: {seen.Outside} rows visible that are neither public nor theirs ({seen})");
                    }
                    else if (seen.Denied ? seen.Expected > 0 : seen.Visible != seen.Expected)
                    {
                        failures.Add($"{table.Qualified} as {subject}: should see {seen.Expected} rows, {(seen.Denied ? "got a permission error" : $"sees {seen.Visible}")}");
                    }
                }
            }
        }

        var report = Render(lines);
        output.WriteLine(report);
        await File.WriteAllTextAsync(Path.Combine(PlatformFixture.ReportDirectory, "row-level-security.txt"), report);

        // Not vacuous: each readable table had rows the subjects were entitled to see.
        var empty = Readable.Keys.Where(t => ownRows.GetValueOrDefault(t) == 0).ToList();
        Assert.True(empty.Count == 0, "No row to see in " + string.Join(", ", empty) + ": the set-up did not reach every table.");
        Assert.True(failures.Count == 0, string.Join(Environment.NewLine, failures));
    }

    /// <summary>
    /// Where anon may read rows (public tables), which columns it reads matters too: PostgREST serves
    /// every column the role may select. The public HTTP API shows a fixed set of fields for such an
    /// object (read here from its anonymous answer); the Data API must not show more than those, bar
    /// bookkeeping that names nobody. E.g. a claimed donation's <c>claimed_by</c> is the recipient who
    /// got it, which only the request's parties may learn (request.requests is party-only).
    /// </summary>
    [Fact]
    public async Task Public_rows_show_anon_no_column_the_public_api_does_not_show()
    {
        var (donor, verified) = await UsersWithRowsEverywhereAsync();
        string[] bookkeeping = ["version", "deleted_at", "deleted_by", "reviewed_at"];
        var publicApi = new Dictionary<string, (Service Service, string Path, string Database)>
        {
            ["donation.donations"] = (Service.Donation, $"api/donations?donor_id={donor.Id}&limit=1", TestEnvironment.MainDb),
            ["request.ratings"] = (Service.Request, $"api/ratings?donor_id={donor.Id}&limit=1", TestEnvironment.MainDb),
            ["campaign.campaigns"] = (Service.Campaign, $"api/campaigns?recipient_id={verified.Id}&limit=1", TestEnvironment.CampaignDb),
        };
        Assert.Equal(Readable.Where(r => r.Value.Anon is not null).Select(r => r.Key).Order(), publicApi.Keys.Order());

        var leaks = new List<string>();
        foreach (var (table, (service, path, database)) in publicApi)
        {
            var item = Assert.Single(platform.Expect(await platform.SendAsync(service, HttpMethod.Get, path), 200).Items);
            var shown = item.EnumerateObject().Select(f => f.Name).ToHashSet();
            var (schema, name) = (table.Split('.')[0], table.Split('.')[1]);
            await using var connection = new NpgsqlConnection(database);
            var readable = (await connection.QueryAsync<string>(
                """
                select column_name from information_schema.columns
                 where table_schema = @schema and table_name = @name and has_column_privilege('anon', @table, column_name, 'SELECT')
                 order by ordinal_position
                """,
                new { schema, name, table })).AsList();
            var extra = readable.Except(shown).Except(bookkeeping).ToList();
            output.WriteLine($"{table}: anon reads [{string.Join(", ", readable)}]; the public API shows [{string.Join(", ", shown)}]; beyond it: [{string.Join(", ", extra)}]");
            foreach (var column in extra)
            {
                // How much of it anon actually reads, in rows RLS lets it see.
                var filled = await InRoleAsync(database, null, c => c.ExecuteScalarAsync<long>($"select count(*) from {table} where \"{column}\" is not null"));
                leaks.Add($"{table}.{column}: anon (and every signed-in user) reads it through the Data API, non-null on {filled} visible rows, but the public API does not show it");
            }
        }

        Assert.True(leaks.Count == 0, string.Join(Environment.NewLine, leaks));
    }

    [Fact]
    public async Task Neither_anon_nor_a_signed_in_user_can_write_any_table()
    {
        var (u1, _) = await UsersWithRowsEverywhereAsync();
        var failures = new List<string>();
        var lines = new List<string>();
        foreach (var (dbName, connection) in Databases)
        {
            foreach (var table in (await TablesAsync(connection)).Where(t => t.Kind != "view"))
            {
                foreach (var (subject, user) in new (string, Guid?)[] { ("anon", null), ("user 1", u1.Id) })
                {
                    var outcome = await WriteAsAsync(connection, table, user);
                    lines.Add($"{dbName,-9}{table.Qualified,-34}{subject,-8} insert: {outcome.Insert,-18} update: {outcome.Update,-18} delete: {outcome.Delete,-18} truncate/references/trigger: {outcome.Other}");
                    failures.AddRange(outcome.Problems.Select(p => $"{table.Qualified} as {subject}: {p}"));
                }
            }
        }

        output.WriteLine(string.Join(Environment.NewLine, lines));
        Assert.True(failures.Count == 0, string.Join(Environment.NewLine, failures));
    }

    // ---- reading and writing as a Data API role ----

    private sealed record Seen(long Total, long Expected, long Visible, long Outside, bool Denied)
    {
        public override string ToString() =>
            Denied ? $"permission denied (should see {Expected} of {Total})" : $"sees {Visible} of {Total} (should see {Expected}; outside the rule: {Outside})";
    }

    /// <summary>In one snapshot: the rows the rule allows (counted as the owner of the database), then what the role sees.</summary>
    private static async Task<Seen> ReadAsAsync(string connectionString, string table, Guid? user, string? predicate)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var transaction = await connection.BeginTransactionAsync(IsolationLevel.RepeatableRead);
        var parameters = new { uid = user ?? Guid.Empty };
        var rule = predicate ?? "false";
        var total = await connection.ExecuteScalarAsync<long>($"select count(*) from {table}", transaction: transaction);
        var expected = await connection.ExecuteScalarAsync<long>($"select count(*) from {table} where {rule}", parameters, transaction);
        await BecomeAsync(connection, transaction, user);
        try
        {
            var visible = await connection.ExecuteScalarAsync<long>($"select count(*) from {table}", transaction: transaction);
            var outside = await connection.ExecuteScalarAsync<long>($"select count(*) from {table} where not coalesce(({rule}), false)", parameters, transaction);
            return new Seen(total, expected, visible, outside, false);
        }
        catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.InsufficientPrivilege)
        {
            return new Seen(total, expected, 0, 0, true);
        }
        finally
        {
            await transaction.RollbackAsync();
        }
    }

    private sealed record Written(string Insert, string Update, string Delete, string Other, List<string> Problems);

    /// <summary>Tries insert, update and delete as the role (each under a savepoint, all rolled back) and asks for the privileges RLS does not cover.</summary>
    private static async Task<Written> WriteAsAsync(string connectionString, Table table, Guid? user)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        var role = user is null ? "anon" : "authenticated";
        var other = await connection.QuerySingleAsync<(bool Truncate, bool References, bool Trigger)>(
            "select has_table_privilege(@role, @name, 'TRUNCATE'), has_table_privilege(@role, @name, 'REFERENCES'), has_table_privilege(@role, @name, 'TRIGGER')",
            new { role, name = table.Qualified });
        var column = await connection.ExecuteScalarAsync<string>(
            """
            select column_name from information_schema.columns
             where table_schema = @Schema and table_name = @Name and is_identity = 'NO' and is_generated = 'NEVER'
             order by ordinal_position limit 1
            """,
            new { table.Schema, table.Name });
        await using var transaction = await connection.BeginTransactionAsync();
        await BecomeAsync(connection, transaction, user);
        var problems = new List<string>();

        async Task<string> TryAsync(string what, string sql, bool insert)
        {
            await transaction.SaveAsync("attempt");
            try
            {
                var rows = await connection.ExecuteAsync(sql, transaction: transaction);
                await transaction.RollbackAsync("attempt");
                if (rows > 0 || insert)
                {
                    problems.Add($"{what} succeeded ({rows} rows)");
                }

                return $"{rows} rows";
            }
            catch (PostgresException ex)
            {
                await transaction.RollbackAsync("attempt");
                if (ex.SqlState != PostgresErrorCodes.InsufficientPrivilege)
                {
                    // E.g. a not-null violation: the privilege and row-level checks let the row through.
                    problems.Add($"{what} got past privileges and row-level security, then failed with {ex.SqlState}: {ex.MessageText}");
                }

                return ex.MessageText.StartsWith("new row violates row-level security", StringComparison.Ordinal) ? "refused by RLS" : "denied";
            }
        }

        var inserted = await TryAsync("insert", $"insert into {table.Qualified} default values", insert: true);
        var updated = await TryAsync("update", $"update {table.Qualified} set \"{column}\" = \"{column}\"", insert: false);
        var deleted = await TryAsync("delete", $"delete from {table.Qualified}", insert: false);
        await transaction.RollbackAsync();
        if (other.Truncate || other.References || other.Trigger)
        {
            problems.Add($"{role} holds TRUNCATE/REFERENCES/TRIGGER ({other}), which row-level security does not govern");
        }

        return new Written(inserted, updated, deleted, other is (false, false, false) ? "none" : other.ToString(), problems);
    }

    /// <summary>Runs a query as the Data API role for <paramref name="user"/> (anon when null), then rolls back.</summary>
    private static async Task<T> InRoleAsync<T>(string connectionString, Guid? user, Func<NpgsqlConnection, Task<T>> query)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        await BecomeAsync(connection, transaction, user);
        try
        {
            return await query(connection);
        }
        finally
        {
            await transaction.RollbackAsync();
        }
    }

    /// <summary>As PostgREST does: the role of the token, and its claims for auth.uid().</summary>
    private static async Task BecomeAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, Guid? user)
    {
        await connection.ExecuteAsync(user is null ? "set local role anon" : "set local role authenticated", transaction: transaction);
        var claims = user is null ? """{"role":"anon"}""" : $$"""{"sub":"{{user}}","role":"authenticated","aud":"authenticated"}""";
        await connection.ExecuteAsync("select set_config('request.jwt.claims', @claims, true)", new { claims }, transaction);
    }

    // ---- the catalog ----

    private sealed record Table(string Schema, string Name, string Kind, bool Rls)
    {
        public string Qualified => $"{Schema}.{Name}";
    }

    /// <summary>The service schemas of a database: those holding a schema_migrations table.</summary>
    private static async Task<List<string>> SchemasAsync(string connectionString)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        return (await connection.QueryAsync<string>(
            "select table_schema from information_schema.tables where table_name = 'schema_migrations' order by 1")).AsList();
    }

    private static async Task<List<Table>> TablesAsync(string connectionString)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        return (await connection.QueryAsync<Table>(
            """
            select n.nspname as schema, c.relname as name,
                   case c.relkind when 'v' then 'view' when 'm' then 'view' else 'table' end as kind, c.relrowsecurity as rls
              from pg_class c join pg_namespace n on n.oid = c.relnamespace
             where c.relkind in ('r', 'p', 'v', 'm', 'f')
               and n.nspname in (select table_schema from information_schema.tables where table_name = 'schema_migrations')
             order by 1, 2
            """)).AsList();
    }

    // ---- data in every table ----

    /// <summary>
    /// Two users with rows in every business table: a donor (donations pending and available, a
    /// message, a report, a contribution, notifications) and a verified recipient (campaigns, a
    /// request and a rating, a contribution, a message, a report, notifications).
    /// </summary>
    private async Task<(TestUser Donor, TestUser Verified)> UsersWithRowsEverywhereAsync()
    {
        var p = platform;
        var donor = await p.NewDonorAsync();
        var verified = await p.NewVerifiedRecipientAsync();
        await p.PendingDonationAsync(donor);
        var donation = await p.AvailableDonationAsync(donor);
        await p.RequestAsync(verified, donation);
        var approved = await p.CompletedRequestAsync(donor, verified);
        p.Expect(await p.SendAsync(Service.Request, HttpMethod.Post, "api/ratings", verified.Token, new { request_id = approved, rating = 4 }), 201);
        var campaign = await p.ActiveCampaignAsync(verified);
        await p.ContributionAsync(donor, campaign);
        // Nobody contributes to their own campaign: the verified recipient gives to someone else's.
        var otherCampaign = await p.ActiveCampaignAsync(await p.NewVerifiedRecipientAsync());
        await p.ContributionAsync(verified, otherCampaign);
        await p.MessageAsync(donor, verified.Id);
        await p.NotificationAsync(verified, donor);
        await p.ReportAsync(donor, "user", verified.Id);
        await p.ReportAsync(verified, "donation", donation);
        return (donor, verified);
    }

    private static string Render(List<string> lines)
    {
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"Row-level security: {lines.Count} table × subject checks (each in a rolled-back transaction as Supabase's anon / authenticated role).");
        text.AppendLine("'permission denied' = the role has no privilege on the table (fine where nothing may be seen); otherwise RLS filtered the rows.");
        text.AppendLine($"{"database",-9}{"table",-34}{"subject",-20}result");
        foreach (var line in lines)
        {
            text.AppendLine(line);
        }

        return text.ToString();
    }
}
