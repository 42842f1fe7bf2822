using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Platform.Hosting.OpenApi;

namespace CampaignService.OpenApi;

/// <summary>GET /api/openapi.json: this app's OpenAPI document, from its functions and <see cref="CampaignApi"/>.</summary>
public sealed class OpenApiFunction
{
    [Function(nameof(OpenApiDocument))]
    public IActionResult OpenApiDocument(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "openapi.json")] HttpRequest req) =>
        OpenApiDocuments.Serve(typeof(OpenApiFunction).Assembly, CampaignApi.Description);
}
