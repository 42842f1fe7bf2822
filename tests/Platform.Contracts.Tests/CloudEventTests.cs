using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Platform.Contracts;
using Platform.Contracts.Events;

namespace Platform.Contracts.Tests;

/// <summary>The CloudEvents 1.0 structured-mode envelope: what goes on the wire and what is accepted back.</summary>
public sealed class CloudEventTests
{
    private const string TraceParent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
    private static readonly DateTimeOffset Time = new(2025, 3, 14, 15, 9, 26, 535, TimeSpan.Zero);
    private static readonly Guid Id = Guid.Parse("0190f3a2-5c4e-7b1a-9d2e-0000000000aa");

    private static readonly DonationSnapshot Donation = new(
        Guid.Parse("0190f3a2-5c4e-7b1a-9d2e-000000000010"),
        Guid.Parse("0190f3a2-5c4e-7b1a-9d2e-000000000002"),
        "Winter coats",
        "clothing",
        "available",
        4);

    [Fact]
    public void Wrap_then_ToUtf8Bytes_has_exactly_the_cloud_events_attributes()
    {
        var envelope = CloudEvent.Wrap(new DonationCreated(Donation), "/donation-service", Time, Id, "corr-42", TraceParent);

        var json = JsonNode.Parse(envelope.ToUtf8Bytes())!.AsObject();

        Assert.Equal(
            ["correlationid", "data", "datacontenttype", "id", "source", "specversion", "time", "traceparent", "type"],
            json.Select(p => p.Key).Order(StringComparer.Ordinal).ToArray());
        Assert.Equal(Id.ToString(), (string?)json["id"]);
        Assert.Equal("/donation-service", (string?)json["source"]);
        Assert.Equal("donation.created", (string?)json["type"]);
        Assert.Equal("1.0", (string?)json["specversion"]);
        Assert.Equal("application/json", (string?)json["datacontenttype"]);
        Assert.Equal("corr-42", (string?)json["correlationid"]);
        Assert.Equal(TraceParent, (string?)json["traceparent"]);
        Assert.Equal(Time, DateTimeOffset.Parse((string)json["time"]!, System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(JsonValueKind.Object, json["data"]!.GetValueKind());
        Assert.Equal(Donation.DonationId.ToString(), (string?)json["data"]!["donation"]!["donation_id"]);
    }

    [Fact]
    public void Wrap_names_the_event_by_its_catalogue_name_and_gives_it_a_version_7_id()
    {
        var envelope = CloudEvent.Wrap(new DonationClaimRejected(Donation.DonationId, Guid.NewGuid(), Guid.NewGuid(), "not_available", "claimed"), "/donation-service", Time);

        Assert.Equal("donation.claim_rejected", envelope.Type);
        Assert.Equal(7, Guid.Parse(envelope.Id).Version);
        Assert.Equal(CloudEvent.Version, envelope.SpecVersion);
        Assert.Equal(CloudEvent.JsonContentType, envelope.DataContentType);
    }

    [Fact]
    public void Parse_reads_back_what_Wrap_wrote()
    {
        var sent = CloudEvent.Wrap(new DonationCreated(Donation), "/donation-service", Time, Id, "corr-42", TraceParent);

        var received = CloudEvent.Parse(sent.ToUtf8Bytes());

        Assert.Equal(sent.Id, received.Id);
        Assert.Equal(sent.Source, received.Source);
        Assert.Equal(sent.Type, received.Type);
        Assert.Equal(sent.Time, received.Time);
        Assert.Equal(sent.CorrelationId, received.CorrelationId);
        Assert.Equal(sent.TraceParent, received.TraceParent);
        Assert.Equal("1.0", received.SpecVersion);
        Assert.Equal(new DonationCreated(Donation), received.ReadData());
    }

    [Theory]
    [InlineData("specversion")]
    [InlineData("id")]
    [InlineData("type")]
    [InlineData("source")]
    public void Parse_rejects_an_envelope_without_a_required_attribute(string attribute)
    {
        var json = ValidEnvelope();
        Assert.True(json.Remove(attribute));

        var ex = Assert.Throws<JsonException>(() => CloudEvent.Parse(Encoding.UTF8.GetBytes(json.ToJsonString())));
        Assert.NotNull(ex.Message);
    }

    [Theory]
    [InlineData("specversion", "0.3")]
    [InlineData("specversion", "")]
    [InlineData("id", "")]
    [InlineData("type", "")]
    [InlineData("source", "")]
    public void Parse_rejects_an_empty_or_wrong_required_attribute(string attribute, string value)
    {
        var json = ValidEnvelope();
        json[attribute] = value;

        Assert.Throws<JsonException>(() => CloudEvent.Parse(Encoding.UTF8.GetBytes(json.ToJsonString())));
    }

    [Theory]
    [InlineData("not json at all")]
    [InlineData("")]
    [InlineData("null")]
    [InlineData("[]")]
    [InlineData("42")]
    [InlineData("{\"id\": ")]
    public void Parse_rejects_what_is_not_a_json_object(string body)
    {
        Assert.ThrowsAny<JsonException>(() => CloudEvent.Parse(Encoding.UTF8.GetBytes(body)));
    }

    [Fact]
    public void ReadData_picks_the_clr_type_from_the_type_attribute_never_from_a_clr_name()
    {
        // donation.created and donation.updated have the same shape: only `type` tells them apart.
        var json = ValidEnvelope();
        json["type"] = "donation.updated";
        json["data"]!["$type"] = "DonationCreated";
        json["data"]!["clr_type"] = typeof(DonationCreated).FullName;

        var envelope = CloudEvent.Parse(Encoding.UTF8.GetBytes(json.ToJsonString()));
        var data = envelope.ReadData();

        var updated = Assert.IsType<DonationUpdated>(data);
        Assert.Equal(Donation, updated.Donation);
    }

    [Theory]
    [InlineData("donation.exploded")]
    [InlineData("DonationCreated")]
    [InlineData("Platform.Contracts.Events.DonationCreated")]
    [InlineData("Donation.Created")]
    public void ReadData_of_a_type_outside_the_catalogue_throws_JsonException(string type)
    {
        var json = ValidEnvelope();
        json["type"] = type;

        var envelope = CloudEvent.Parse(Encoding.UTF8.GetBytes(json.ToJsonString()));

        var ex = Assert.Throws<JsonException>(envelope.ReadData);
        Assert.Contains(type, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ReadData_of_null_data_throws_JsonException()
    {
        var json = ValidEnvelope();
        json["data"] = null;

        var envelope = CloudEvent.Parse(Encoding.UTF8.GetBytes(json.ToJsonString()));

        Assert.Throws<JsonException>(envelope.ReadData);
    }

    [Fact]
    public void ReadData_of_an_envelope_without_data_throws_JsonException()
    {
        // A consumer treats JsonException as a poison message (parked at once); any other
        // exception escapes its batch handler and tears the whole consumer session down.
        var json = ValidEnvelope();
        json.Remove("data");

        Assert.Throws<JsonException>(() => CloudEvent.Parse(Encoding.UTF8.GetBytes(json.ToJsonString())).ReadData());
    }

    [Fact]
    public void ReadData_of_data_of_the_wrong_shape_throws_JsonException()
    {
        var json = ValidEnvelope();
        json["data"] = "a string, not an object";

        var envelope = CloudEvent.Parse(Encoding.UTF8.GetBytes(json.ToJsonString()));

        Assert.ThrowsAny<JsonException>(envelope.ReadData);
    }

    private static JsonObject ValidEnvelope() =>
        JsonNode.Parse(CloudEvent.Wrap(new DonationCreated(Donation), "/donation-service", Time, Id, "corr-42", TraceParent).ToUtf8Bytes())!.AsObject();
}
