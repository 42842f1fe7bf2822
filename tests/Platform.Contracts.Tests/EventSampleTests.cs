using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Platform.Contracts;

namespace Platform.Contracts.Tests;

/// <summary>
/// Every event of the catalogue has a canonical JSON sample (the CloudEvents <c>data</c>) under
/// <c>Samples/&lt;event.type&gt;.json</c>. A renamed, added, removed or retyped property changes the
/// JSON its record produces, so it breaks these tests: the contract change is visible in review.
/// </summary>
public sealed partial class EventSampleTests
{
    /// <summary>ARCHITECTURE.md "Catalogue" (publisher → consumers), plus campaign.deleted, campaign.contribution_refunded (issue 19) and rating.changed, donation.expired and campaign.ended (issue 17), user.blocked and user.unblocked (issue 18), campaign.update_posted (issue 17), and account erasure (issue 18).</summary>
    private static readonly string[] ArchitectureCatalogue =
    [
        "profile.created", "profile.updated", "profile.verification_decided", "profile.blocked", "profile.unblocked",
        "donation.created", "donation.updated", "donation.deleted", "donation.reviewed",
        "donation.claimed", "donation.claim_rejected", "donation.released", "donation.completed",
        "request.created", "request.approved", "request.rejected", "request.cancelled", "request.completed",
        "rating.submitted",
        "campaign.created", "campaign.updated", "campaign.reviewed", "campaign.status_changed",
        "campaign.contributed", "campaign.completed",
        "message.sent", "message.read",
        "report.created", "report.resolved",
        "campaign.deleted",
        "campaign.contribution_refunded",
        "rating.changed",
        "donation.expired",
        "campaign.republished",
        "campaign.ended",
        "message.removed",
        "user.blocked", "user.unblocked",
        "campaign.update_posted",
        "profile.erasure_requested", "profile.erased", "request.user_erased", "campaign.user_erased", "message.user_erased",
    ];

    /// <summary>Past participles of the catalogue that do not end in -ed.</summary>
    private static readonly HashSet<string> IrregularPastTense = new(StringComparer.Ordinal) { "sent", "read" };

    public static TheoryData<string> Names => new(EventCatalog.Names.Order(StringComparer.Ordinal));

    private static string SamplesDirectory => Path.Combine(AppContext.BaseDirectory, "Samples");

    private static string SamplePath(string eventType) => Path.Combine(SamplesDirectory, eventType + ".json");

    [Fact]
    public void Every_catalogue_name_has_a_sample_and_every_sample_is_in_the_catalogue()
    {
        Assert.True(Directory.Exists(SamplesDirectory), $"{SamplesDirectory} is missing: the samples are not copied to the output.");
        var samples = Directory.GetFiles(SamplesDirectory, "*.json").Select(f => Path.GetFileNameWithoutExtension(f)!).ToHashSet(StringComparer.Ordinal);
        var names = EventCatalog.Names.ToHashSet(StringComparer.Ordinal);

        var withoutSample = names.Except(samples).Order(StringComparer.Ordinal).ToList();
        var withoutEvent = samples.Except(names).Order(StringComparer.Ordinal).ToList();
        Assert.True(withoutSample.Count == 0, "Events without a sample in Samples/: " + string.Join(", ", withoutSample));
        Assert.True(withoutEvent.Count == 0, "Samples of no event of the catalogue: " + string.Join(", ", withoutEvent));
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void Sample_round_trips_through_its_clr_type(string eventType)
    {
        Assert.True(File.Exists(SamplePath(eventType)), $"Samples/{eventType}.json is missing.");
        Assert.True(EventCatalog.TryGetType(eventType, out var clrType));
        var sample = ReadSample(eventType);

        var payload = sample.Deserialize(clrType, EventJson.Options);
        Assert.NotNull(payload);
        Assert.IsType(clrType, payload);
        var serialised = JsonSerializer.SerializeToNode(payload, clrType, EventJson.Options);

        Assert.True(
            JsonNode.DeepEquals(sample, serialised),
            $"""
            {eventType} ({clrType.Name}) does not reproduce its sample: the contract changed.
            sample:     {sample.ToJsonString()}
            serialised: {serialised?.ToJsonString()}
            """);
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void Sample_round_trips_through_a_cloud_event_envelope(string eventType)
    {
        Assert.True(EventCatalog.TryGetType(eventType, out var clrType));
        var sample = ReadSample(eventType);
        var payload = (IIntegrationEvent)sample.Deserialize(clrType, EventJson.Options)!;

        var wire = CloudEvent.Wrap(payload, "/contracts-tests", DateTimeOffset.UnixEpoch).ToUtf8Bytes();
        var received = CloudEvent.Parse(wire);

        Assert.Equal(eventType, received.Type);
        var data = received.ReadData();
        Assert.IsType(clrType, data);
        Assert.True(JsonNode.DeepEquals(sample, JsonNode.Parse(received.Data.GetRawText())), $"{eventType}: the envelope's data differs from the sample.");
        Assert.True(JsonNode.DeepEquals(sample, JsonSerializer.SerializeToNode(data, clrType, EventJson.Options)), $"{eventType}: the payload read back differs from the sample.");
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void Name_is_area_dot_past_tense_in_lower_snake_case(string eventType)
    {
        Assert.Matches(EventName(), eventType);
        var lastWord = eventType.Split('.')[1].Split('_')[^1];
        Assert.True(
            lastWord.EndsWith("ed", StringComparison.Ordinal) || IrregularPastTense.Contains(lastWord),
            $"'{eventType}' does not end in a past tense (what happened, e.g. donation.created).");
    }

    [Fact]
    public void Catalogue_is_the_one_in_the_architecture_plus_campaign_deleted_and_contribution_refunded()
    {
        var expected = ArchitectureCatalogue.Order(StringComparer.Ordinal).ToList();
        Assert.Equal(expected.Count, expected.Distinct(StringComparer.Ordinal).Count());
        Assert.Equal(expected, EventCatalog.Names.Order(StringComparer.Ordinal).ToList());
    }

    [Fact]
    public void Every_event_record_of_the_contracts_assembly_is_in_the_catalogue_by_its_attribute_name()
    {
        var events = typeof(IIntegrationEvent).Assembly.GetTypes()
            .Where(t => typeof(IIntegrationEvent).IsAssignableFrom(t) && t is { IsClass: true, IsAbstract: false })
            .ToList();
        Assert.Equal(EventCatalog.Names.Count, events.Count);
        foreach (var type in events)
        {
            var attribute = (EventTypeAttribute?)Attribute.GetCustomAttribute(type, typeof(EventTypeAttribute));
            Assert.NotNull(attribute);
            Assert.Equal(attribute.Name, EventCatalog.NameOf(type));
            Assert.True(EventCatalog.TryGetType(attribute.Name, out var back));
            Assert.Equal(type, back);
            Assert.False(EventCatalog.TryGetType(type.Name, out _), $"{type.Name} must not be found by its CLR name.");
            Assert.False(EventCatalog.TryGetType(type.FullName!, out _), $"{type.FullName} must not be found by its CLR name.");
        }
    }

    [Fact]
    public void Names_are_matched_exactly()
    {
        Assert.True(EventCatalog.TryGetType("donation.created", out _));
        Assert.False(EventCatalog.TryGetType("Donation.Created", out _));
        Assert.False(EventCatalog.TryGetType("donation.created ", out _));
        Assert.False(EventCatalog.TryGetType("donation_created", out _));
        Assert.Throws<ArgumentException>(() => EventCatalog.NameOf(typeof(string)));
    }

    private static JsonNode ReadSample(string eventType)
    {
        var text = File.ReadAllText(SamplePath(eventType));
        return JsonNode.Parse(text) ?? throw new InvalidDataException($"Samples/{eventType}.json is JSON null.");
    }

    // area.past_tense: lower-case words joined by underscores, one dot between area and what happened.
    [GeneratedRegex("^[a-z]+(_[a-z]+)*\\.[a-z]+(_[a-z]+)*$")]
    private static partial Regex EventName();
}
