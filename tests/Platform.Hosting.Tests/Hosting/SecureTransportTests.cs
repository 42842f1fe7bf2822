using Microsoft.Extensions.Configuration;
using Platform.Hosting.Hosting;

namespace Platform.Hosting.Tests.Hosting;

/// <summary>A running app outside Development talks https to Supabase and refuses the CLI's demo secret; local runs keep working.</summary>
public sealed class SecureTransportTests
{
    [Theory]
    [InlineData(new[] { "--standalone", "--environment", "Production" }, true)]
    [InlineData(new[] { "--standalone", "--environment", "Development" }, false)]
    [InlineData(new[] { "migrate", "--environment", "Production" }, false)]
    [InlineData(new[] { "openapi" }, false)]
    public void Only_a_running_app_outside_development_requires_secure_transport(string[] args, bool expected)
    {
        Assert.Equal(expected, PlatformApplication.Create("secure-test", args).RequiresSecureTransport);
    }

    [Fact]
    public void Outside_development_supabase_must_be_https()
    {
        var refused = Assert.Throws<InvalidOperationException>(() => PlatformDefaults.ReadAuthOptions(Settings("http://127.0.0.1:54321"), secure: true));

        Assert.Contains("SUPABASE_URL must be https", refused.Message, StringComparison.Ordinal);
        Assert.Equal("https://ref.supabase.co", PlatformDefaults.ReadAuthOptions(Settings("https://ref.supabase.co"), secure: true).Url);
        Assert.Equal("http://127.0.0.1:54321", PlatformDefaults.ReadAuthOptions(Settings("http://127.0.0.1:54321"), secure: false).Url);
    }

    [Fact]
    public void The_supabase_cli_demo_secret_is_accepted_only_in_development()
    {
        var demo = Settings("https://ref.supabase.co", PlatformDefaults.SupabaseCliDemoSecret);

        var refused = Assert.Throws<InvalidOperationException>(() => PlatformDefaults.ReadAuthOptions(demo, secure: true));

        Assert.Contains("published demo secret", refused.Message, StringComparison.Ordinal);
        Assert.Equal(PlatformDefaults.SupabaseCliDemoSecret, PlatformDefaults.ReadAuthOptions(demo, secure: false).JwtSecret);
        Assert.NotNull(PlatformDefaults.ReadAuthOptions(Settings("https://ref.supabase.co", new string('k', 40)), secure: true).JwtSecret);
    }

    [Theory]
    [InlineData(null, false)]
    [InlineData("true", true)]
    [InlineData("False", false)]
    public void Anonymous_writes_are_off_unless_the_setting_says_true(string? setting, bool expected)
    {
        var settings = Settings("https://ref.supabase.co", allowAnonymousWrites: setting);

        Assert.Equal(expected, PlatformDefaults.ReadAuthOptions(settings, secure: true).AllowAnonymousWrites);
    }

    [Fact]
    public void A_malformed_anonymous_writes_setting_stops_the_app()
    {
        Assert.Throws<InvalidOperationException>(() => PlatformDefaults.ReadAuthOptions(Settings("https://ref.supabase.co", allowAnonymousWrites: "yes"), secure: false));
    }

    private static IConfiguration Settings(string url, string? secret = null, string? allowAnonymousWrites = null) =>
        new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["SUPABASE_URL"] = url,
            ["SUPABASE_JWT_SECRET"] = secret,
            ["Auth:AllowAnonymousWrites"] = allowAnonymousWrites,
        }).Build();
}
