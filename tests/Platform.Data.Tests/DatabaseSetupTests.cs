using System.Net.Sockets;
using Npgsql;

namespace Platform.Data.Tests;

public sealed class DatabaseSetupTests
{
    private const string Direct = "Host=db.example.test;Port=5432;Database=main;Username=svc;Password=pw";
    private const string Pooler = "Host=pooler.example.test;Port=6543;Database=postgres;Username=svc;Password=pw";

    [Fact]
    public void Tune_turns_on_no_reset_on_close_and_sets_defaults_for_a_direct_connection()
    {
        var tuned = Parse(DatabaseSetup.Tune(Direct, "donation-service"));

        Assert.True(tuned.NoResetOnClose);
        Assert.Equal(20, tuned.MaxAutoPrepare);
        Assert.Equal(5, tuned.Timeout);
        Assert.Equal(15, tuned.CommandTimeout);
        Assert.Equal("donation-service", tuned.ApplicationName);
        Assert.Equal("db.example.test", tuned.Host);
        Assert.Equal("pw", tuned.Password);
    }

    [Theory]
    [InlineData("")]
    [InlineData(";Max Auto Prepare=50")]
    [InlineData(";MaxAutoPrepare=50")]
    public void Tune_turns_off_prepared_statements_through_the_transaction_pooler(string extra)
    {
        var tuned = Parse(DatabaseSetup.Tune(Pooler + extra, "donation-service"));

        Assert.Equal(0, tuned.MaxAutoPrepare);
        Assert.True(tuned.NoResetOnClose);
    }

    [Theory]
    [InlineData(";No Reset On Close=false")]
    [InlineData(";NoResetOnClose=false")]
    [InlineData(";noresetonclose=false")]
    public void Tune_keeps_an_explicit_no_reset_on_close(string extra)
    {
        Assert.False(Parse(DatabaseSetup.Tune(Direct + extra, "svc")).NoResetOnClose);
    }

    [Fact]
    public void Tune_keeps_explicit_timeouts_prepare_count_and_application_name()
    {
        var tuned = Parse(DatabaseSetup.Tune(
            Direct + ";Timeout=30;Command Timeout=60;Max Auto Prepare=7;Application Name=psql-session", "donation-service"));

        Assert.Equal(30, tuned.Timeout);
        Assert.Equal(60, tuned.CommandTimeout);
        Assert.Equal(7, tuned.MaxAutoPrepare);
        Assert.Equal("psql-session", tuned.ApplicationName);
    }

    [Theory]
    [InlineData("57P01")]
    [InlineData("57P02")]
    [InlineData("57P03")]
    [InlineData("53300")]
    [InlineData("40001")]
    [InlineData("40P01")]
    [InlineData("08006")]
    [InlineData("08001")]
    public void IsTransient_is_true_for_postgres_errors_a_retry_can_fix(string sqlState)
    {
        Assert.True(DatabaseSetup.IsTransient(Postgres(sqlState)));
    }

    [Theory]
    [InlineData("23505")]
    [InlineData("23503")]
    [InlineData("42P01")]
    [InlineData("42501")]
    [InlineData("28P01")]
    [InlineData("22001")]
    public void IsTransient_is_false_for_postgres_errors_a_retry_cannot_fix(string sqlState)
    {
        Assert.False(DatabaseSetup.IsTransient(Postgres(sqlState)));
    }

    [Fact]
    public void IsTransient_is_true_when_npgsql_lost_protocol_sync_and_broke_the_connection()
    {
        var lost = new Exception("Received unexpected backend message DataRow. Please file a bug.") { Source = "Npgsql" };

        Assert.True(DatabaseSetup.IsTransient(lost));
        Assert.False(DatabaseSetup.IsTransient(new Exception("Received unexpected backend message DataRow. Please file a bug.") { Source = "SomethingElse" }));
        Assert.False(DatabaseSetup.IsTransient(new InvalidCastException("Received unexpected backend message DataRow.") { Source = "Npgsql" }));
        Assert.False(DatabaseSetup.IsTransient(new Exception("Something else went wrong") { Source = "Npgsql" }));
    }

    [Fact]
    public void IsTransient_is_true_for_connection_failures_below_npgsql()
    {
        Assert.True(DatabaseSetup.IsTransient(new NpgsqlException("connect failed", new SocketException((int)SocketError.ConnectionRefused))));
        Assert.True(DatabaseSetup.IsTransient(new NpgsqlException("read failed", new IOException("reset by peer"))));
        Assert.True(DatabaseSetup.IsTransient(new NpgsqlException("timed out", new TimeoutException())));
    }

    [Fact]
    public void IsTransient_is_true_for_an_exhausted_connection_pool_only()
    {
        Assert.True(DatabaseSetup.IsTransient(new InvalidOperationException("The connection pool has been exhausted")));
        Assert.False(DatabaseSetup.IsTransient(new InvalidOperationException("Sequence contains no elements")));
    }

    [Fact]
    public void IsTransient_is_false_for_unrelated_exceptions()
    {
        Assert.False(DatabaseSetup.IsTransient(new NpgsqlException("protocol violation")));
        Assert.False(DatabaseSetup.IsTransient(new ArgumentException("bad")));
        Assert.False(DatabaseSetup.IsTransient(new FormatException()));
    }

    private static PostgresException Postgres(string sqlState) => new("message", "ERROR", "ERROR", sqlState);

    private static NpgsqlConnectionStringBuilder Parse(string connectionString) => new(connectionString);

    [Theory]
    [InlineData("Require", true, false)]
    [InlineData("Prefer", true, false)]
    [InlineData("Disable", true, false)]
    [InlineData("VerifyCA", true, false)]
    [InlineData("VerifyFull", true, true)]
    [InlineData("Require", false, true)]
    public void Secure_requires_verify_full_when_verified_tls_is_required(string mode, bool required, bool accepted)
    {
        var builder = new NpgsqlDataSourceBuilder(Direct + ";SSL Mode=" + mode);

        var refused = Record.Exception(() => DatabaseSetup.Secure(builder, null, required, "DonationDbConnection"));

        Assert.Equal(accepted, refused is null);
        if (refused is not null)
        {
            Assert.StartsWith("DonationDbConnection must use SSL Mode=VerifyFull", refused.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void A_root_certificate_is_read_from_pem_with_or_without_its_newlines()
    {
        using var key = System.Security.Cryptography.RSA.Create(2048);
        using var ca = Tls.TlsPostgres.CreateCa(key, "test CA");
        var pem = ca.ExportCertificatePem();

        using var withNewlines = DatabaseSetup.LoadCertificate(pem);
        using var flattened = DatabaseSetup.LoadCertificate(pem.Replace("\n", " ", StringComparison.Ordinal));

        Assert.Equal(ca.Thumbprint, withNewlines.Thumbprint);
        Assert.Equal(ca.Thumbprint, flattened.Thumbprint);
        Assert.Contains("Database__RootCertificate", Assert.Throws<InvalidOperationException>(() => DatabaseSetup.LoadCertificate("not a certificate")).Message, StringComparison.Ordinal);
    }
}
