using DonationService.OpenApi;
using Platform.Testing;

namespace DonationService.Tests.Contract;

/// <summary>donation-service's bodies, queries and views declare their rules once (checks in <see cref="FieldRulesContract"/>).</summary>
public sealed class FieldRulesTests() : FieldRulesContract(DonationApi.Description);
