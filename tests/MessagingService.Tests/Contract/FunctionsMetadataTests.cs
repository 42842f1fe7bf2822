using Platform.Testing;

namespace MessagingService.Tests.Contract;

/// <summary>The functions of MessagingService (API.md), as the Functions host and standalone mode both serve them.</summary>
public sealed class FunctionsMetadataTests() : FunctionsMetadataContract(
        "MessagingService",
        typeof(MessagingServiceSetup).Assembly,
        [
            ("SendMessage", "messages", "POST"),
            ("ListMessages", "messages", "GET"),
            ("GetMessage", "messages/{id}", "GET"),
            ("MarkMessageRead", "messages/{id}/read", "POST"),
            ("CreateUpload", "uploads", "POST"),
            ("GetMessagingStats", "admin/stats", "GET"),
            ("ListConversations", "conversations", "GET"),
            ("BlockUser", "blocks/{id}", "PUT"),
            ("UnblockUser", "blocks/{id}", "DELETE"),
            ("ListBlocks", "blocks", "GET"),
            ("CreateReport", "reports", "POST"),
            ("ListReports", "reports", "GET"),
            ("ResolveReport", "admin/reports/{id}/resolve", "POST"),
            ("ListNotifications", "notifications", "GET"),
            ("MarkNotificationRead", "notifications/{id}/read", "POST"),
            ("Health", "health", "GET"),
            ("HealthLive", "health/live", "GET"),
            ("OpenApiDocument", "openapi.json", "GET"),
        ])
{}
