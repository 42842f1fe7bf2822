using System.Text.RegularExpressions;
using Platform.Contracts;
using Platform.Testing;

namespace Platform.Eventing.Tests;

/// <summary>
/// The per-service broker users' permissions are derived from the catalogue's publishers; the file the
/// scripts and operators use is that derivation (issue 18, authenticated events).
/// </summary>
public sealed class BrokerPermissionsTests
{
    [Fact]
    public void The_committed_permissions_file_is_the_one_the_catalogue_derives()
    {
        var path = Path.Combine(TestEnvironment.RepoRoot, BrokerPermissions.FileRelativePath);
        var expected = BrokerPermissions.Table();
        if (Environment.GetEnvironmentVariable("UPDATE_BROKER_PERMISSIONS") == "1")
        {
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.WriteAllText(path, expected);
        }

        Assert.True(File.Exists(path), $"{BrokerPermissions.FileRelativePath} is missing: run with UPDATE_BROKER_PERMISSIONS=1");
        Assert.Equal(expected, File.ReadAllText(path).ReplaceLineEndings("\n"));
    }

    [Theory]
    [InlineData(Publishers.Messaging, "report.resolved", true)]
    [InlineData(Publishers.Campaign, "report.resolved", false)]
    [InlineData(Publishers.Donation, "report.resolved", false)]
    [InlineData(Publishers.Request, "request.approved", true)]
    [InlineData(Publishers.Donation, "request.approved", false)]
    [InlineData(Publishers.Donation, "donation.created", true)]
    [InlineData(Publishers.Donation, "donation.createdX", false)]
    [InlineData(Publishers.Donation, "donationXcreated", false)]
    [InlineData(Publishers.Request, "#", false)]
    public void A_service_may_publish_only_its_own_routing_keys(string service, string routingKey, bool allowed)
    {
        Assert.Equal(allowed, Regex.IsMatch(routingKey, BrokerPermissions.For(service).TopicWrite));
    }

    [Theory]
    [InlineData(Publishers.Donation, "donation-service", true)]
    [InlineData(Publishers.Donation, "donation-service.parking", true)]
    [InlineData(Publishers.Donation, "donation-service.retry.1000ms", true)]
    [InlineData(Publishers.Donation, "request-service", false)]
    [InlineData(Publishers.Donation, "request-service.parking", false)]
    [InlineData(Publishers.Donation, "donation-serviceX", false)]
    [InlineData(Publishers.Donation, "platform.events", true)]
    public void A_service_reads_only_its_own_queues(string service, string resource, bool allowed)
    {
        Assert.Equal(allowed, Regex.IsMatch(resource, BrokerPermissions.For(service).Read));
        Assert.Equal(allowed, Regex.IsMatch(resource, BrokerPermissions.For(service).Configure));
    }

    [Fact]
    public void Every_event_is_publishable_by_exactly_one_user()
    {
        foreach (var name in EventCatalog.Names)
        {
            Assert.Single(Publishers.All, p => Regex.IsMatch(name, BrokerPermissions.For(p).TopicWrite));
        }
    }
}
