using Microsoft.Extensions.Configuration;

namespace Platform.Eventing.Tests;

/// <summary>Outside Development a running app reaches the broker over amqps only.</summary>
public sealed class BrokerTlsTests
{
    [Theory]
    [InlineData("amqp://guest:guest@broker:5672/", true, false)]
    [InlineData("AMQPS://user:pass@broker:5671/vhost", true, true)]
    [InlineData("amqp://guest:guest@127.0.0.1:5672/", false, true)]
    public void An_amqp_uri_is_refused_when_tls_is_required(string uri, bool requireTls, bool accepted)
    {
        var settings = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["RabbitMQConnection"] = uri }).Build();

        var read = Record.Exception(() => EventingOptions.FromConfiguration(settings, "queue", requireTls));

        Assert.Equal(accepted, read is null);
        if (read is not null)
        {
            Assert.Contains("amqps://", read.Message, StringComparison.Ordinal);
        }
    }
}
