using CampaignService.OpenApi;
using Platform.Testing;

namespace CampaignService.Tests.Contract;

/// <summary>campaign-service's bodies, queries and views declare their rules once (checks in <see cref="FieldRulesContract"/>).</summary>
public sealed class FieldRulesTests() : FieldRulesContract(CampaignApi.Description);
