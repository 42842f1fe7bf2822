using Platform.Testing;

namespace RequestService.Tests.Contract;

/// <summary>The functions of RequestService (API.md), as the Functions host and standalone mode both serve them.</summary>
public sealed class FunctionsMetadataTests() : FunctionsMetadataContract(
        "RequestService",
        typeof(RequestServiceSetup).Assembly,
        [
            ("CreateRequest", "requests", "POST"),
            ("ListRequests", "requests", "GET"),
            ("GetRequest", "requests/{id}", "GET"),
            ("ApproveRequest", "requests/{id}/approve", "POST"),
            ("RejectRequest", "requests/{id}/reject", "POST"),
            ("CancelRequest", "requests/{id}/cancel", "POST"),
            ("CompleteRequest", "requests/{id}/complete", "POST"),
            ("SubmitRating", "ratings", "POST"),
            ("ChangeRating", "ratings/{id}", "PUT"),
            ("ListRatings", "ratings", "GET"),
            ("GetRequestStats", "admin/stats", "GET"),
            ("Health", "health", "GET"),
            ("HealthLive", "health/live", "GET"),
            ("OpenApiDocument", "openapi.json", "GET"),
        ])
{}
