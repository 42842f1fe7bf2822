using System.Text.Json;
using System.Text.RegularExpressions;
using Platform.Testing;

namespace Platform.SystemTests;

/// <summary>What a body or query field holds, so the fuzzer knows a valid value and what to break.</summary>
public enum FieldKind
{
    Text,
    Uuid,
    Enum,
    Money,
    Int,
    Url,
    Flag,
    UuidList,
    FutureTime,
}

/// <summary>What an id in a route (or a uuid field) refers to, so the fuzzer can use real ones.</summary>
public enum IdKind
{
    None,
    Profile,
    Donation,
    Request,
    Campaign,
    Message,
    Report,
    Notification,
    Contribution,
    Rating,

    /// <summary>A user the fuzzer never aims at with its own ids (erasing an account is final): always a fresh id.</summary>
    Stranger,
}

/// <summary>Who may call a route at all: anyone, a signed-in user, or an admin.</summary>
public enum Access
{
    Anyone,
    User,
    Admin,
}

public sealed record Field(string Name, FieldKind Kind, bool Required = false, int Max = 0, string[]? Values = null, IdKind Refers = IdKind.None);

/// <summary>One route of API.md: service, method, route under /api, body and query fields.</summary>
public sealed record ApiRoute(Service Service, string Method, string Route, Access Access, IdKind PathId, IReadOnlyList<Field> Body, IReadOnlyList<Field> Query)
{
    /// <summary>False for a route the apps serve beyond API.md (e.g. their OpenAPI document).</summary>
    public bool InApiMd { get; init; } = true;

    /// <summary>"PUT /api/donations/{id}", as API.md writes it.</summary>
    public string Key => $"{Method} /api/{Route}";

    public bool HasBody => Body.Count > 0;

    public override string ToString() => Key;
}

/// <summary>
/// Every route of API.md (and the few the apps serve beyond it), with the shape of its body and query. Tests check this list against
/// API.md itself and against the <c>functions.metadata</c> each app's build generates, so a route
/// added to an app or to the design and not here (hence not in the matrix or the fuzzer) fails.
/// </summary>
public static class ApiCatalogue
{
    private static readonly string[] DonationCategories = ["clothing", "furniture", "electronics", "books", "toys", "kitchen", "food", "baby", "sports", "household", "other"];
    private static readonly string[] CampaignCategories = ["medical", "education", "emergency", "housing", "food", "community", "animals", "other"];
    private static readonly Field Limit = new("limit", FieldKind.Int);
    private static readonly Field Cursor = new("cursor", FieldKind.Text, Max: 128);

    private static readonly Field[] DonationFields =
    [
        new("title", FieldKind.Text, Required: true, Max: 120),
        new("description", FieldKind.Text, Max: 2000),
        new("category", FieldKind.Enum, Required: true, Values: DonationCategories),
        new("location", FieldKind.Text, Max: 200),
        new("image_url", FieldKind.Url),
        new("pickup_instructions", FieldKind.Text, Max: 500),
        new("quantity", FieldKind.Int),
        new("condition", FieldKind.Enum, Values: ["new", "like_new", "good", "fair"]),
        new("expires_at", FieldKind.FutureTime),
        new("latitude", FieldKind.Money), // a JSON number (degrees), fuzzed like amounts
        new("longitude", FieldKind.Money),
    ];

    private static readonly Field[] CampaignFields =
    [
        new("title", FieldKind.Text, Required: true, Max: 120),
        new("description", FieldKind.Text, Max: 5000),
        new("category", FieldKind.Enum, Required: true, Values: CampaignCategories),
        new("location", FieldKind.Text, Max: 200),
        new("image_url", FieldKind.Url),
        new("goal_amount", FieldKind.Money, Required: true),
        new("ends_at", FieldKind.FutureTime),
    ];

    private static readonly Field[] Review = [new("decision", FieldKind.Enum, Required: true, Values: ["approve", "reject"]), new("reason", FieldKind.Text, Max: 500)];

    private static readonly Field[] Reason = [new("reason", FieldKind.Text, Max: 500)];

    public static readonly IReadOnlyList<ApiRoute> Routes =
    [
        // donation-service
        Get(Service.Donation, "health", Access.Anyone),
        Get(Service.Donation, "health/live", Access.Anyone) with { InApiMd = false },
        Get(Service.Donation, "openapi.json", Access.Anyone) with { InApiMd = false },
        Get(Service.Donation, "profiles/me", Access.User),
        new(Service.Donation, "PUT", "profiles/me", Access.User, IdKind.None,
        [
            new("full_name", FieldKind.Text, Max: 120), new("phone", FieldKind.Text, Max: 32), new("avatar_url", FieldKind.Url),
            new("location", FieldKind.Text, Max: 200), new("role", FieldKind.Enum, Values: ["donor", "recipient"]),
            new("latitude", FieldKind.Money), new("longitude", FieldKind.Money),
        ], []),
        Post(Service.Donation, "profiles/me/verification", Access.User, IdKind.None, new Field("document_ids", FieldKind.UuidList, Required: true), new Field("verification_image_url", FieldKind.Url)),
        Get(Service.Donation, "profiles/{id}", Access.Anyone, IdKind.Profile),
        Get(Service.Donation, "admin/profiles", Access.Admin, IdKind.None,
            new Field("recipient_status", FieldKind.Enum, Values: ["none", "requested", "approved", "rejected"]), new Field("blocked", FieldKind.Flag),
            new Field("role", FieldKind.Enum, Values: ["donor", "recipient", "admin"])),
        Post(Service.Donation, "admin/profiles/{id}/verification", Access.Admin, IdKind.Profile, new Field("decision", FieldKind.Enum, Required: true, Values: ["approve", "reject"])),
        Post(Service.Donation, "admin/profiles/{id}/block", Access.Admin, IdKind.Profile),
        Post(Service.Donation, "admin/profiles/{id}/unblock", Access.Admin, IdKind.Profile),
        new ApiRoute(Service.Donation, "DELETE", "profiles/me", Access.User, IdKind.None, [], []) with { InApiMd = false },
        new ApiRoute(Service.Donation, "GET", "profiles/me/erasure", Access.User, IdKind.None, [], []) with { InApiMd = false },
        new ApiRoute(Service.Donation, "DELETE", "admin/users/{id}", Access.Admin, IdKind.Stranger, [], []) with { InApiMd = false },
        new ApiRoute(Service.Donation, "GET", "admin/users/{id}/erasure", Access.Admin, IdKind.Profile, [], []) with { InApiMd = false },
        Get(Service.Donation, "donations", Access.Anyone, IdKind.None,
            new Field("status", FieldKind.Enum, Values: ["pending", "available", "rejected", "claimed", "completed", "expired"]), new Field("category", FieldKind.Enum, Values: DonationCategories),
            new Field("donor_id", FieldKind.Uuid, Refers: IdKind.Profile), new Field("q", FieldKind.Text, Max: 200),
            new Field("sort", FieldKind.Enum, Values: ["newest", "relevance", "distance"]), new Field("near", FieldKind.Text, Max: 40),
            new Field("radius_km", FieldKind.Text, Max: 10)),
        Get(Service.Donation, "donations/{id}", Access.Anyone, IdKind.Donation),
        Post(Service.Donation, "donations", Access.User, IdKind.None, DonationFields),
        new(Service.Donation, "PUT", "donations/{id}", Access.User, IdKind.Donation, DonationFields, []),
        new(Service.Donation, "DELETE", "donations/{id}", Access.User, IdKind.Donation, [], []),
        Post(Service.Donation, "admin/donations/{id}/review", Access.Admin, IdKind.Donation, Review),
        Post(Service.Donation, "uploads", Access.User, IdKind.None, new Field("kind", FieldKind.Enum, Required: true, Values: ["donation_image", "verification_document"])) with { InApiMd = false },
        Post(Service.Donation, "donations/{id}/images", Access.User, IdKind.Donation, new Field("blob_id", FieldKind.Uuid, Required: true)) with { InApiMd = false },
        new ApiRoute(Service.Donation, "PUT", "donations/{id}/images", Access.User, IdKind.Donation, [new("image_ids", FieldKind.UuidList, Required: true)], []) with { InApiMd = false },
        Get(Service.Donation, "donations/{id}/contact", Access.User, IdKind.Donation) with { InApiMd = false },
        new ApiRoute(Service.Donation, "GET", "admin/stats", Access.Admin, IdKind.None, [], []) with { InApiMd = false },
        Post(Service.Campaign, "uploads", Access.User, IdKind.None, new Field("kind", FieldKind.Enum, Required: true, Values: ["campaign_image"])) with { InApiMd = false },
        Post(Service.Campaign, "campaigns/{id}/images", Access.User, IdKind.Campaign, new Field("blob_id", FieldKind.Uuid, Required: true)) with { InApiMd = false },
        new ApiRoute(Service.Campaign, "PUT", "campaigns/{id}/images", Access.User, IdKind.Campaign, [new("image_ids", FieldKind.UuidList, Required: true)], []) with { InApiMd = false },

        // request-service
        Get(Service.Request, "health", Access.Anyone),
        Get(Service.Request, "health/live", Access.Anyone) with { InApiMd = false },
        Get(Service.Request, "openapi.json", Access.Anyone) with { InApiMd = false },
        Post(Service.Request, "requests", Access.User, IdKind.None,
            new Field("donation_id", FieldKind.Uuid, Required: true, Refers: IdKind.Donation), new Field("message", FieldKind.Text, Max: 1000)),
        Get(Service.Request, "requests", Access.User, IdKind.None,
            new Field("donation_id", FieldKind.Uuid, Refers: IdKind.Donation), new Field("status", FieldKind.Enum, Values: ["pending", "approving", "approved", "rejected", "cancelled", "completed"]),
            new Field("role", FieldKind.Enum, Values: ["mine", "received"])),
        Get(Service.Request, "requests/{id}", Access.User, IdKind.Request),
        Post(Service.Request, "requests/{id}/approve", Access.User, IdKind.Request),
        Post(Service.Request, "requests/{id}/reject", Access.User, IdKind.Request, Reason),
        Post(Service.Request, "requests/{id}/cancel", Access.User, IdKind.Request, Reason),
        Post(Service.Request, "requests/{id}/complete", Access.User, IdKind.Request),
        Post(Service.Request, "ratings", Access.User, IdKind.None,
            new Field("request_id", FieldKind.Uuid, Required: true, Refers: IdKind.Request), new Field("rating", FieldKind.Int, Required: true),
            new Field("comment", FieldKind.Text, Max: 1000)),
        Get(Service.Request, "ratings", Access.Anyone, IdKind.None, new Field("donor_id", FieldKind.Uuid, Refers: IdKind.Profile), new Field("donation_id", FieldKind.Uuid, Refers: IdKind.Donation)),
        new ApiRoute(Service.Request, "PUT", "ratings/{id}", Access.User, IdKind.Rating,
            [new("rating", FieldKind.Int, Required: true), new("comment", FieldKind.Text, Max: 1000)], []) with { InApiMd = false },
        new ApiRoute(Service.Request, "GET", "admin/stats", Access.Admin, IdKind.None, [], []) with { InApiMd = false },

        // campaign-service
        Get(Service.Campaign, "health", Access.Anyone),
        Get(Service.Campaign, "health/live", Access.Anyone) with { InApiMd = false },
        Get(Service.Campaign, "openapi.json", Access.Anyone) with { InApiMd = false },
        Get(Service.Campaign, "campaigns", Access.Anyone, IdKind.None,
            new Field("status", FieldKind.Enum, Values: ["pending", "active", "paused", "completed", "rejected", "ended"]), new Field("category", FieldKind.Enum, Values: CampaignCategories),
            new Field("recipient_id", FieldKind.Uuid, Refers: IdKind.Profile), new Field("q", FieldKind.Text, Max: 200),
            new Field("sort", FieldKind.Enum, Values: ["newest", "relevance", "ending_soon", "most_funded", "least_funded"])),
        Get(Service.Campaign, "campaigns/{id}", Access.Anyone, IdKind.Campaign),
        Post(Service.Campaign, "campaigns", Access.User, IdKind.None, CampaignFields),
        new(Service.Campaign, "PUT", "campaigns/{id}", Access.User, IdKind.Campaign, CampaignFields, []),
        Post(Service.Campaign, "campaigns/{id}/pause", Access.User, IdKind.Campaign),
        Post(Service.Campaign, "campaigns/{id}/resume", Access.User, IdKind.Campaign),
        new(Service.Campaign, "DELETE", "campaigns/{id}", Access.User, IdKind.Campaign, [], []),
        Post(Service.Campaign, "admin/campaigns/{id}/review", Access.Admin, IdKind.Campaign, Review),
        new ApiRoute(Service.Campaign, "GET", "admin/stats", Access.Admin, IdKind.None, [], []) with { InApiMd = false },
        Post(Service.Campaign, "campaigns/{id}/contributions", Access.User, IdKind.Campaign, new Field("amount", FieldKind.Money, Required: true)),
        Get(Service.Campaign, "campaigns/{id}/contributions", Access.User, IdKind.Campaign),
        Post(Service.Campaign, "campaigns/{id}/updates", Access.User, IdKind.Campaign, new Field("body", FieldKind.Text, Required: true, Max: 2000)) with { InApiMd = false },
        Get(Service.Campaign, "campaigns/{id}/updates", Access.Anyone, IdKind.Campaign) with { InApiMd = false },
        Get(Service.Campaign, "me/contributions", Access.User, IdKind.None,
            new Field("status", FieldKind.Enum, Values: ["pending", "confirmed", "cancelled", "refund_pending", "refunded"])) with { InApiMd = false },
        Get(Service.Campaign, "contributions/{id}", Access.User, IdKind.Contribution) with { InApiMd = false },
        Post(Service.Campaign, "payments/stripe/webhook", Access.Anyone, IdKind.None,
            new Field("id", FieldKind.Text, Required: true, Max: 255), new Field("type", FieldKind.Text, Required: true, Max: 100)) with { InApiMd = false },

        // messaging-service
        Get(Service.Messaging, "health", Access.Anyone),
        Get(Service.Messaging, "health/live", Access.Anyone) with { InApiMd = false },
        Get(Service.Messaging, "openapi.json", Access.Anyone) with { InApiMd = false },
        Post(Service.Messaging, "messages", Access.User, IdKind.None,
            new Field("receiver_id", FieldKind.Uuid, Required: true, Refers: IdKind.Profile), new Field("content", FieldKind.Text, Required: true, Max: 4000),
            new Field("donation_id", FieldKind.Uuid, Refers: IdKind.Donation), new Field("campaign_id", FieldKind.Uuid, Refers: IdKind.Campaign),
            new Field("attachment_ids", FieldKind.UuidList)),
        Get(Service.Messaging, "messages", Access.User, IdKind.None,
            new Field("with", FieldKind.Uuid, Required: true, Refers: IdKind.Profile), new Field("donation_id", FieldKind.Uuid, Refers: IdKind.Donation),
            new Field("campaign_id", FieldKind.Uuid, Refers: IdKind.Campaign)),
        Get(Service.Messaging, "conversations", Access.User),
        new ApiRoute(Service.Messaging, "PUT", "blocks/{id}", Access.User, IdKind.Profile, [], []) with { InApiMd = false },
        new ApiRoute(Service.Messaging, "DELETE", "blocks/{id}", Access.User, IdKind.Profile, [], []) with { InApiMd = false },
        Get(Service.Messaging, "blocks", Access.User) with { InApiMd = false },
        Post(Service.Messaging, "messages/{id}/read", Access.User, IdKind.Message),
        Get(Service.Messaging, "messages/{id}", Access.User, IdKind.Message) with { InApiMd = false },
        Post(Service.Messaging, "uploads", Access.User, IdKind.None, new Field("kind", FieldKind.Enum, Required: true, Values: ["message_attachment"])) with { InApiMd = false },
        Post(Service.Messaging, "reports", Access.User, IdKind.None,
            new Field("target_type", FieldKind.Enum, Required: true, Values: ["user", "donation", "campaign", "message"]),
            new Field("target_id", FieldKind.Uuid, Required: true, Refers: IdKind.Profile), new Field("reason", FieldKind.Text, Required: true, Max: 200),
            new Field("description", FieldKind.Text, Max: 2000)),
        Get(Service.Messaging, "reports", Access.User, IdKind.None, new Field("status", FieldKind.Enum, Values: ["open", "reviewed", "resolved"])),
        new ApiRoute(Service.Messaging, "GET", "admin/stats", Access.Admin, IdKind.None, [], []) with { InApiMd = false },
        Post(Service.Messaging, "admin/reports/{id}/resolve", Access.Admin, IdKind.Report,
            new Field("status", FieldKind.Enum, Required: true, Values: ["reviewed", "resolved"]),
            new Field("action", FieldKind.Enum, Values: ["none", "block_user", "remove_donation", "remove_campaign", "remove_message"])),
        Get(Service.Messaging, "notifications", Access.User, IdKind.None, new Field("unread", FieldKind.Flag)),
        Post(Service.Messaging, "notifications/{id}/read", Access.User, IdKind.Notification),
    ];

    public static ApiRoute Find(string key) =>
        Routes.SingleOrDefault(r => r.Key == key) ?? throw new ArgumentException("No such route in the catalogue: " + key, nameof(key));

    /// <summary>The methods served at a route template (e.g. GET, PUT and DELETE at donations/{id}).</summary>
    public static IReadOnlySet<string> MethodsAt(Service service, string route) =>
        Routes.Where(r => r.Service == service && r.Route == route).Select(r => r.Method).ToHashSet();

    private static ApiRoute Get(Service service, string route, Access access, IdKind pathId = IdKind.None, params Field[] query) =>
        new(service, "GET", route, access, pathId, [], route.EndsWith("/{id}", StringComparison.Ordinal) || route is "health" or "health/live" or "openapi.json" or "profiles/me" ? query : [.. query, Limit, Cursor]);

    private static ApiRoute Post(Service service, string route, Access access, IdKind pathId = IdKind.None, params Field[] body) =>
        new(service, "POST", route, access, pathId, body, []);

    // ---- what the design and the builds say the routes are ----

    /// <summary>The routes the shared design's API.md lists (<c>| METHOD /api/... |</c> rows, "/a, /b" siblings expanded) plus the health route of its conventions.</summary>
    public static IReadOnlyList<string>? RoutesOfApiMd(out string path)
    {
        path = Path.GetFullPath(Path.Combine(TestEnvironment.RepoRoot, "..", "shared", "design", "API.md"));
        if (!File.Exists(path))
        {
            return null;
        }

        var keys = new List<string>();
        foreach (var line in File.ReadLines(path))
        {
            var match = Regex.Match(line, @"^\|\s*(GET|POST|PUT|DELETE|PATCH)\s+(/api/[^\s|,]+)((?:,\s*/[^\s|,]+)*)\s*\|");
            if (!match.Success)
            {
                continue;
            }

            var (method, first) = (match.Groups[1].Value, match.Groups[2].Value);
            keys.Add($"{method} {first}");
            foreach (var sibling in match.Groups[3].Value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                keys.Add($"{method} {first[..first.LastIndexOf('/')]}{sibling}");
            }
        }

        return keys;
    }

    /// <summary>"METHOD /api/route" for every HTTP function in an app's functions.metadata (what <c>func start</c> serves).</summary>
    public static IReadOnlyList<string> RoutesOfMetadata(string app)
    {
        var path = Path.Combine(TestEnvironment.AppOutput(app), "functions.metadata");
        Assert.True(File.Exists(path), $"{path} is missing: build the solution ({TestEnvironment.BuildConfiguration}) first.");
        using var document = JsonDocument.Parse(File.ReadAllText(path));
        return document.RootElement.EnumerateArray()
            .SelectMany(function => function.GetProperty("bindings").EnumerateArray()
                .Where(b => b.GetProperty("type").GetString() == "httpTrigger")
                .SelectMany(b => b.GetProperty("methods").EnumerateArray().Select(m => $"{m.GetString()!.ToUpperInvariant()} /api/{b.GetProperty("route").GetString()}")))
            .ToList();
    }
}
