using RequestService.OpenApi;
using Platform.Testing;

namespace RequestService.Tests.Contract;

/// <summary>request-service's bodies, queries and views declare their rules once (checks in <see cref="FieldRulesContract"/>).</summary>
public sealed class FieldRulesTests() : FieldRulesContract(RequestApi.Description);
