using System.Collections.Concurrent;
using System.Text.Json;
using Dapper;
using Npgsql;
using Npgsql.Replication;
using Npgsql.Replication.PgOutput;
using Npgsql.Replication.PgOutput.Messages;
using Platform.Testing;

namespace Platform.SystemTests;

/// <summary>
/// Issue 17, item 7: frontends subscribe with Supabase Realtime (postgres_changes) to their new
/// messages and notifications and to the public donation and campaign feeds (docs/REALTIME.md).
/// Realtime itself does not run here; what it relies on is proven against the real PostgreSQL:
/// the tables are in the <c>supabase_realtime</c> publication with only their readers' columns, a
/// logical replication slot on that publication (pgoutput) receives the changes the services make,
/// and each change passes the check Realtime runs per subscriber (as the subscriber's role with its
/// JWT claims, does the row exist by primary key) only for those entitled to it.
/// </summary>
[Collection(PlatformCollection.Name)]
public sealed class RealtimeTests(PlatformFixture platform, ITestOutputHelper output)
{
    private const string Publication = "supabase_realtime";

    /// <summary>The published tables, the database they live in, and the role whose column grants bound what is published.</summary>
    private static readonly (string Table, Func<string> Database, string Reader)[] Published =
    [
        ("donation.donations", () => TestEnvironment.MainDb, "anon"),
        ("messaging.messages", () => TestEnvironment.MainDb, "authenticated"),
        ("messaging.notifications", () => TestEnvironment.MainDb, "authenticated"),
        ("campaign.campaigns", () => TestEnvironment.CampaignDb, "anon"),
    ];

    /// <summary>Columns that only their owners, the parties of a hand-over or admins may read.</summary>
    private static readonly string[] PrivateColumns = ["claimed_by", "reviewed_by", "pickup_instructions", "deleted_by"];

    [Fact]
    public async Task The_feed_tables_are_published_with_a_primary_key_rls_and_only_the_columns_their_readers_may_select()
    {
        var problems = new List<string>();
        foreach (var (table, database, reader) in Published)
        {
            await using var connection = new NpgsqlConnection(database());
            var publishes = await connection.QuerySingleOrDefaultAsync<(bool Insert, bool Update, bool Delete, bool All)>(
                "select pubinsert, pubupdate, pubdelete, puballtables from pg_publication where pubname = @Publication", new { Publication });
            Assert.Equal((true, true, true, false), publishes);

            var (schema, name) = (table.Split('.')[0], table.Split('.')[1]);
            var published = (await connection.QuerySingleOrDefaultAsync<string[]>(
                "select attnames from pg_publication_tables where pubname = @Publication and schemaname = @schema and tablename = @name",
                new { Publication, schema, name }))?.ToHashSet();
            if (published is null)
            {
                problems.Add($"{table} is not in the {Publication} publication: Realtime refuses to join it");
                continue;
            }

            var selectable = (await connection.QueryAsync<string>(
                """
                select a.attname from pg_attribute a
                 where a.attrelid = @table::regclass and a.attnum > 0 and not a.attisdropped and a.attgenerated = ''
                   and has_column_privilege(@reader, a.attrelid, a.attnum, 'SELECT')
                """,
                new { table, reader })).ToHashSet();
            var primaryKey = (await connection.QueryAsync<string>(
                """
                select a.attname from pg_index i join pg_attribute a on a.attrelid = i.indrelid and a.attnum = any (i.indkey)
                 where i.indrelid = @table::regclass and i.indisprimary
                """,
                new { table })).ToList();
            var rls = await connection.ExecuteScalarAsync<bool>("select relrowsecurity from pg_class where oid = @table::regclass", new { table });
            output.WriteLine($"{table}: published [{string.Join(", ", published.Order())}]; {reader} may select [{string.Join(", ", selectable.Order())}]; primary key [{string.Join(", ", primaryKey)}]; RLS {rls}");

            problems.AddRange(published.Except(selectable).Select(c => $"{table}.{c} is published but {reader} may not select it"));
            problems.AddRange(published.Intersect(PrivateColumns).Select(c => $"{table}.{c} is private and published"));
            if (reader == "anon")
            {
                // The public feeds: the publication's column list follows the grants (0011 / 0010 re-add the table when one changes).
                problems.AddRange(selectable.Except(published).Select(c => $"{table}.{c} is public (anon may select it) but not published: re-add the table to {Publication}"));
            }

            if (primaryKey.Count == 0)
            {
                problems.Add($"{table} has no primary key: Realtime answers 400");
            }

            foreach (var role in new[] { "anon", "authenticated" }.Where(r => reader == "anon" || r == reader))
            {
                problems.AddRange(primaryKey.Where(c => !selectable.Contains(c) && role == reader).Select(c => $"{table}.{c} (primary key) is not selectable by {role}: Realtime answers 401"));
            }

            if (!rls)
            {
                problems.Add($"{table} has row-level security off: every subscriber would receive every row");
            }
        }

        Assert.True(problems.Count == 0, string.Join(Environment.NewLine, problems));
    }

    [Fact]
    public async Task A_pgoutput_slot_on_supabase_realtime_receives_new_messages_notifications_and_public_donations_and_campaigns_and_nothing_else()
    {
        var donor = await platform.NewDonorAsync();
        var receiver = await platform.NewRecipientAsync();
        var owner = await platform.NewVerifiedRecipientAsync();
        await using var main = await Stream.StartAsync(TestEnvironment.MainDb);
        await using var campaigns = await Stream.StartAsync(TestEnvironment.CampaignDb);

        // Through the services, as frontends cause them: a profile (not published), a donation with private
        // pickup instructions approved by an admin, a message and its notification, a campaign approved.
        var stranger = await platform.NewUserAsync();
        var donation = (await platform.ExpectAsync(await platform.SendAsync(Service.Donation, HttpMethod.Post, "api/donations", donor.Token,
            new { title = "Realtime chair", category = "furniture", location = "Leeds", pickup_instructions = "Ring flat 3 after 6 pm" }), 201)).Id;
        await platform.ExpectAsync(await platform.SendAsync(Service.Donation, HttpMethod.Post, $"api/admin/donations/{donation}/review", platform.Admin.Token, new { decision = "approve" }), 200);
        var message = await platform.MessageAsync(donor, receiver.Id, "Is the chair still there?");
        var notification = await platform.NotificationOfMessageAsync(receiver, message);
        var campaign = await platform.ActiveCampaignAsync(owner);

        var donationInsert = await main.WaitForAsync("donation.donations", "I", donation);
        var donationApproved = await main.WaitForAsync("donation.donations", "U", donation, c => c.Values["status"] == "available");
        var messageInsert = await main.WaitForAsync("messaging.messages", "I", message);
        var notificationInsert = await main.WaitForAsync("messaging.notifications", "I", notification);
        var campaignInsert = await campaigns.WaitForAsync("campaign.campaigns", "I", campaign);
        await campaigns.WaitForAsync("campaign.campaigns", "U", campaign, c => c.Values["status"] == "active");

        Assert.Equal(("pending", donor.Id.ToString()), (donationInsert.Values["status"], donationInsert.Values["donor_id"]));
        Assert.Equal("Is the chair still there?", messageInsert.Values["content"]);
        Assert.Equal((donor.Id.ToString(), receiver.Id.ToString()), (messageInsert.Values["sender_id"], messageInsert.Values["receiver_id"]));
        Assert.Equal(receiver.Id.ToString(), notificationInsert.Values["user_id"]);
        Assert.Equal(owner.Id.ToString(), campaignInsert.Values["recipient_id"]);

        // The private columns never reach the stream, whatever the row holds.
        foreach (var change in new[] { donationInsert, donationApproved, campaignInsert })
        {
            Assert.Empty(change.Values.Keys.Intersect(PrivateColumns));
        }

        Assert.DoesNotContain(donationInsert.Values.Values, v => v is not null && v.Contains("Ring flat 3", StringComparison.Ordinal));

        // Membership, not just decoding: the stream carried the four tables and no other (profiles, the
        // outbox and idempotency rows were written by the same calls).
        var tables = main.Changes.Select(c => c.Table).Concat(campaigns.Changes.Select(c => c.Table)).Distinct().Order().ToList();
        output.WriteLine($"tables seen on the slots: {string.Join(", ", tables)}; changes: {main.Changes.Count} (main), {campaigns.Changes.Count} (campaign)");
        Assert.Empty(tables.Except(Published.Select(p => p.Table)));
        Assert.True(await PlatformFixture.ScalarAsync<long>(TestEnvironment.MainDb, "select count(*) from donation.profiles where id = @id", new { id = stranger.Id }) == 1);
    }

    [Fact]
    public async Task Each_change_passes_realtimes_per_subscriber_check_only_for_its_owners_and_public_rows_for_anyone()
    {
        var donor = await platform.NewDonorAsync();
        var receiver = await platform.NewRecipientAsync();
        var owner = await platform.NewVerifiedRecipientAsync();
        var stranger = Guid.NewGuid();
        var pending = await platform.PendingDonationAsync(donor);
        var available = await platform.AvailableDonationAsync(donor);
        var message = await platform.MessageAsync(donor, receiver.Id);
        var notification = await platform.NotificationOfMessageAsync(receiver, message);
        var pendingCampaign = await platform.PendingCampaignAsync(owner);
        var activeCampaign = await platform.ActiveCampaignAsync(owner);

        // Who may receive the change, for each subscriber: anon (null), a stranger, and the parties.
        var main = TestEnvironment.MainDb;
        var expectations = new (string What, string Database, string Table, Guid Id, Guid?[] Sees, Guid?[] DoesNotSee)[]
        {
            ("a pending donation", main, "donation.donations", pending, [donor.Id], [null, stranger, receiver.Id]),
            ("an available donation", main, "donation.donations", available, [null, stranger, donor.Id, receiver.Id], []),
            ("a message", main, "messaging.messages", message, [donor.Id, receiver.Id], [null, stranger]),
            ("a notification", main, "messaging.notifications", notification, [receiver.Id], [null, stranger, donor.Id]),
            ("a pending campaign", TestEnvironment.CampaignDb, "campaign.campaigns", pendingCampaign, [owner.Id], [null, stranger, donor.Id]),
            ("an active campaign", TestEnvironment.CampaignDb, "campaign.campaigns", activeCampaign, [null, stranger, owner.Id], []),
        };

        var wrong = new List<string>();
        foreach (var (what, database, table, id, sees, doesNotSee) in expectations)
        {
            foreach (var (subject, expected) in sees.Select(s => (s, true)).Concat(doesNotSee.Select(s => (s, false))))
            {
                var visible = await VisibleAsync(database, table, id, subject);
                output.WriteLine($"{what} ({table} {id}) as {Name(subject, donor, receiver, owner)}: {(visible ? "receives it" : "does not")}");
                if (visible != expected)
                {
                    wrong.Add($"{what}: {Name(subject, donor, receiver, owner)} {(visible ? "receives it" : "does not receive it")}");
                }
            }
        }

        Assert.True(wrong.Count == 0, string.Join(Environment.NewLine, wrong));
    }

    private static string Name(Guid? subject, TestUser donor, TestUser receiver, TestUser owner) =>
        subject is null ? "anon"
        : subject == donor.Id ? "the donor"
        : subject == receiver.Id ? "the receiver"
        : subject == owner.Id ? "the campaign owner"
        : "a stranger";

    /// <summary>
    /// What Realtime does per change and subscriber: in a transaction, the subscriber's role and JWT claims
    /// set locally, then an exists query by primary key. A role without select on the table receives nothing.
    /// </summary>
    private static async Task<bool> VisibleAsync(string database, string table, Guid id, Guid? user)
    {
        await using var connection = new NpgsqlConnection(database);
        await connection.OpenAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        var role = user is null ? "anon" : "authenticated";
        var claims = user is null ? """{"role":"anon"}""" : $$"""{"sub":"{{user}}","role":"authenticated","aud":"authenticated"}""";
        await connection.ExecuteAsync("select set_config('role', @role, true), set_config('request.jwt.claims', @claims, true)", new { role, claims }, transaction);
        try
        {
            return await connection.ExecuteScalarAsync<bool>($"select exists (select 1 from {table} where id = @id)", new { id }, transaction);
        }
        catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.InsufficientPrivilege)
        {
            return false;
        }
        finally
        {
            await transaction.RollbackAsync();
        }
    }

    /// <summary>One decoded row change: table, I(nsert)/U(pdate)/D(elete), its columns as text.</summary>
    private sealed record Change(string Table, string Kind, IReadOnlyDictionary<string, string?> Values);

    /// <summary>A temporary pgoutput slot on the publication, read in the background from the moment it exists.</summary>
    private sealed class Stream : IAsyncDisposable
    {
        private readonly LogicalReplicationConnection connection;
        private readonly CancellationTokenSource stop = new();
        private readonly ConcurrentQueue<Change> changes = new();
        private Task reading = Task.CompletedTask;
        private Exception? failure;

        private Stream(LogicalReplicationConnection connection) => this.connection = connection;

        public IReadOnlyList<Change> Changes => [.. changes];

        public static async Task<Stream> StartAsync(string database)
        {
            var connection = new LogicalReplicationConnection(database);
            await connection.Open();
            var stream = new Stream(connection);
            var slot = await connection.CreatePgOutputReplicationSlot("rt_test_" + Guid.NewGuid().ToString("N")[..16], temporarySlot: true);
            stream.reading = Task.Run(() => stream.ReadAsync(slot));
            return stream;
        }

        private async Task ReadAsync(PgOutputReplicationSlot slot)
        {
            try
            {
                var options = new PgOutputReplicationOptions(Publication, PgOutputProtocolVersion.V1);
                await foreach (var message in connection.StartReplication(slot, options, stop.Token))
                {
                    var change = message switch
                    {
                        InsertMessage insert => await ReadAsync(insert.Relation, "I", insert.NewRow),
                        UpdateMessage update => await ReadAsync(update.Relation, "U", update.NewRow),
                        _ => null,
                    };
                    if (change is not null)
                    {
                        changes.Enqueue(change);
                    }

                    connection.SetReplicationStatus(message.WalEnd);
                }
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
            }
            catch (Exception ex)
            {
                failure = ex;
            }
        }

        private static async Task<Change> ReadAsync(RelationMessage relation, string kind, ReplicationTuple row)
        {
            var values = new Dictionary<string, string?>(StringComparer.Ordinal);
            var i = 0;
            await foreach (var value in row)
            {
                // Protocol 1 sends every value as text, whatever its type.
                values[relation.Columns[i++].ColumnName] = value.Kind == TupleDataKind.TextValue ? await value.GetTextReader().ReadToEndAsync() : null;
            }

            return new Change($"{relation.Namespace}.{relation.RelationName}", kind, values);
        }

        /// <summary>Waits until a change of <paramref name="kind"/> to the row <paramref name="id"/> of <paramref name="table"/> arrived.</summary>
        public async Task<Change> WaitForAsync(string table, string kind, Guid id, Func<Change, bool>? and = null)
        {
            Change? found = null;
            var arrived = await PlatformFixture.PollAsync(() =>
            {
                found = changes.FirstOrDefault(c => c.Table == table && c.Kind == kind && c.Values.GetValueOrDefault("id") == id.ToString() && (and?.Invoke(c) ?? true));
                return Task.FromResult(found is not null || failure is not null);
            });
            Assert.True(failure is null, $"the replication stream failed: {failure}");
            Assert.True(arrived && found is not null,
                $"no {kind} of {table} {id} on the slot; it carried: {JsonSerializer.Serialize(changes.Select(c => $"{c.Kind} {c.Table} {c.Values.GetValueOrDefault("id")}"))}");
            return found!;
        }

        public async ValueTask DisposeAsync()
        {
            await stop.CancelAsync();
            await reading;
            await connection.DisposeAsync();
            stop.Dispose();
        }
    }
}
