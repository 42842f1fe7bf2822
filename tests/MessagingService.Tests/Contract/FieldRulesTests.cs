using MessagingService.OpenApi;
using Platform.Testing;

namespace MessagingService.Tests.Contract;

/// <summary>messaging-service's bodies, queries and views declare their rules once (checks in <see cref="FieldRulesContract"/>).</summary>
public sealed class FieldRulesTests() : FieldRulesContract(MessagingApi.Description);
