using System.Security.Cryptography;
using Dapper;
using Npgsql;

namespace Platform.Data.Tests.Tls;

/// <summary>
/// Outside Development the services reach PostgreSQL with SSL Mode=VerifyFull, checked against the CA
/// given in Database__RootCertificate (Supabase signs its servers' certificates with its own CA), against a
/// real server speaking TLS.
/// </summary>
public sealed class DatabaseTlsTests(TlsPostgres server) : IClassFixture<TlsPostgres>
{
    [Fact]
    public async Task VerifyFull_with_the_servers_CA_connects_over_tls()
    {
        await using var dataSource = Build(server.ConnectionString("VerifyFull"), server.CaPem, requireVerifiedTls: true);
        await using var connection = await dataSource.OpenConnectionAsync(CancellationToken.None);

        Assert.True(await connection.ExecuteScalarAsync<bool>("select ssl from pg_stat_ssl where pid = pg_backend_pid()"));
    }

    [Fact]
    public async Task VerifyFull_refuses_a_server_whose_certificate_another_CA_signed()
    {
        using var otherKey = RSA.Create(2048);
        using var otherCa = TlsPostgres.CreateCa(otherKey, "someone else's CA");
        await using var dataSource = Build(server.ConnectionString("VerifyFull"), otherCa.ExportCertificatePem(), requireVerifiedTls: true);

        var refused = await Record.ExceptionAsync(async () => await dataSource.OpenConnectionAsync(CancellationToken.None));

        Assert.IsType<NpgsqlException>(refused, exactMatch: false);
        Assert.IsType<System.Security.Authentication.AuthenticationException>(refused.InnerException, exactMatch: false);
    }

    [Fact]
    public async Task Require_connects_to_a_server_nobody_checked_which_is_why_it_is_refused_outside_development()
    {
        using var otherKey = RSA.Create(2048);
        using var otherCa = TlsPostgres.CreateCa(otherKey, "someone else's CA");
        await using var dataSource = Build(server.ConnectionString("Require"), otherCa.ExportCertificatePem(), requireVerifiedTls: false);
        await using var connection = await dataSource.OpenConnectionAsync(CancellationToken.None);

        var outside = Record.Exception(() => Build(server.ConnectionString("Require"), server.CaPem, requireVerifiedTls: true));

        Assert.Equal(System.Data.ConnectionState.Open, connection.State);
        Assert.Contains("must use SSL Mode=VerifyFull", Assert.IsType<InvalidOperationException>(outside).Message, StringComparison.Ordinal);
        Assert.Contains("Database__RootCertificate", outside.Message, StringComparison.Ordinal);
    }

    private static NpgsqlDataSource Build(string connectionString, string? rootCertificate, bool requireVerifiedTls)
    {
        var builder = new NpgsqlDataSourceBuilder(connectionString);
        DatabaseSetup.Secure(builder, rootCertificate, requireVerifiedTls, "DonationDbConnection");
        return builder.Build();
    }
}
