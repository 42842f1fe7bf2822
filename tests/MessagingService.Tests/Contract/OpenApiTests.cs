using Platform.Testing;
using MessagingService.OpenApi;

namespace MessagingService.Tests.Contract;

/// <summary>MessagingService's OpenAPI document against its functions (checks in <see cref="OpenApiContract"/>), plus its own routes.</summary>
public sealed class OpenApiTests() : OpenApiContract(
        "MessagingService", typeof(OpenApiFunction).Assembly, MessagingApi.Description, request => new OpenApiFunction().OpenApiDocument(request))
{
    [Fact]
    public void A_conversation_needs_the_other_user_and_conversations_nest_the_last_message()
    {
        var document = Served();
        var with = document["paths"]!["/messages"]!["get"]!["parameters"]!.AsArray().Single(p => p!["name"]?.GetValue<string>() == "with")!;
        var conversation = document["components"]!["schemas"]!["ConversationView"]!["properties"]!;

        Assert.True(with["required"]!.GetValue<bool>());
        Assert.Equal("uuid", with["schema"]!["format"]!.GetValue<string>());
        Assert.NotNull(conversation["last_message"]!["properties"]!["content"]);
    }
}
