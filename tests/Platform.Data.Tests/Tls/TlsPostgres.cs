using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Platform.Data.Tests.Tls;

/// <summary>
/// A PostgreSQL server of its own for the TLS tests (the stack's server speaks plain TCP): initdb in a
/// temporary directory, TLS on with a server certificate for 127.0.0.1 signed by a CA made here, started
/// with the stack's PostgreSQL binaries (as the postgres user when the tests run as root), stopped and
/// deleted at the end.
/// </summary>
public sealed class TlsPostgres : IAsyncLifetime
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "pg-tls-" + Guid.NewGuid().ToString("N")[..12]);
    private static readonly string Bin = Environment.GetEnvironmentVariable("PG_BIN") ?? "/usr/lib/postgresql/15/bin";

    public int Port { get; } = FreePort();

    /// <summary>The CA that signed the server's certificate, as PEM.</summary>
    public string CaPem { get; private set; } = string.Empty;

    public string ConnectionString(string sslMode) =>
        $"Host=127.0.0.1;Port={Port};Database=postgres;Username=postgres;SSL Mode={sslMode};Timeout=5;Pooling=false";

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(_root);
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(_root, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute);
        }

        var data = Path.Combine(_root, "data");
        using var caKey = RSA.Create(2048);
        using var ca = CreateCa(caKey, "platform tls test CA");
        CaPem = ca.ExportCertificatePem();
        using var serverKey = RSA.Create(2048);
        var request = new CertificateRequest("CN=127.0.0.1", serverKey, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(IPAddress.Loopback);
        names.AddDnsName("localhost");
        request.CertificateExtensions.Add(names.Build());
        // Within the CA's own validity (a later "now" would end a moment after the CA and be refused).
        using var server = request.Create(ca, ca.NotBefore, ca.NotAfter.AddMinutes(-1), RandomNumberGenerator.GetBytes(8));
        var certFile = Path.Combine(_root, "server.crt");
        var keyFile = Path.Combine(_root, "server.key");
        await File.WriteAllTextAsync(certFile, server.ExportCertificatePem());
        await File.WriteAllTextAsync(keyFile, serverKey.ExportPkcs8PrivateKeyPem());
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(keyFile, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }

        if (IsRoot)
        {
            await RunAsync("chown", ["-R", "postgres:postgres", _root], asPostgres: false);
        }

        await RunAsync(Path.Combine(Bin, "initdb"), ["-D", data, "-U", "postgres", "-A", "trust", "-E", "UTF8", "--no-sync"], asPostgres: true);
        var options = $"-p {Port} -k {_root} -c listen_addresses=127.0.0.1 -c fsync=off -c ssl=on -c ssl_cert_file={certFile} -c ssl_key_file={keyFile}";
        await RunAsync(Path.Combine(Bin, "pg_ctl"), ["-D", data, "-o", options, "-l", Path.Combine(_root, "log"), "-w", "-t", "30", "start"], asPostgres: true);
    }

    public async Task DisposeAsync()
    {
        try
        {
            await RunAsync(Path.Combine(Bin, "pg_ctl"), ["-D", Path.Combine(_root, "data"), "-m", "immediate", "-w", "stop"], asPostgres: true);
        }
        finally
        {
            Directory.Delete(_root, recursive: true);
        }
    }

    /// <summary>A self-signed CA certificate with its key.</summary>
    public static X509Certificate2 CreateCa(RSA key, string name)
    {
        var request = new CertificateRequest($"CN={name}", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        return request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(1));
    }

    private static bool IsRoot => Environment.UserName == "root";

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static async Task RunAsync(string file, IReadOnlyList<string> arguments, bool asPostgres)
    {
        var start = asPostgres && IsRoot
            ? new ProcessStartInfo("runuser", ["-u", "postgres", "--", file, .. arguments])
            : new ProcessStartInfo(file, arguments);
        start.RedirectStandardOutput = true;
        start.RedirectStandardError = true;
        start.WorkingDirectory = "/";
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{file} {string.Join(' ', arguments)} exited with {process.ExitCode}: {await output}{await error}");
        }
    }
}
