using Platform.Testing;

namespace DonationService.Tests.Contract;

/// <summary>The functions of DonationService (API.md), as the Functions host and standalone mode both serve them.</summary>
public sealed class FunctionsMetadataTests() : FunctionsMetadataContract(
        "DonationService",
        typeof(DonationServiceSetup).Assembly,
        [
            ("GetMyProfile", "profiles/me", "GET"),
            ("UpdateMyProfile", "profiles/me", "PUT"),
            ("RequestVerification", "profiles/me/verification", "POST"),
            ("GetProfile", "profiles/{id}", "GET"),
            ("ListProfiles", "admin/profiles", "GET"),
            ("DecideVerification", "admin/profiles/{id}/verification", "POST"),
            ("BlockProfile", "admin/profiles/{id}/block", "POST"),
            ("UnblockProfile", "admin/profiles/{id}/unblock", "POST"),
            ("EraseMyAccount", "profiles/me", "DELETE"),
            ("GetMyErasure", "profiles/me/erasure", "GET"),
            ("EraseUser", "admin/users/{id}", "DELETE"),
            ("GetUserErasure", "admin/users/{id}/erasure", "GET"),
            ("ListDonations", "donations", "GET"),
            ("GetDonation", "donations/{id}", "GET"),
            ("CreateDonation", "donations", "POST"),
            ("UpdateDonation", "donations/{id}", "PUT"),
            ("DeleteDonation", "donations/{id}", "DELETE"),
            ("GetHandOverContact", "donations/{id}/contact", "GET"),
            ("GetDonationStats", "admin/stats", "GET"),
            ("ReviewDonation", "admin/donations/{id}/review", "POST"),
            ("CreateUpload", "uploads", "POST"),
            ("AttachDonationImage", "donations/{id}/images", "POST"),
            ("ArrangeDonationImages", "donations/{id}/images", "PUT"),
            ("Health", "health", "GET"),
            ("HealthLive", "health/live", "GET"),
            ("OpenApiDocument", "openapi.json", "GET"),
        ])
{}
