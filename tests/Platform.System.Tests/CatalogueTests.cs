namespace Platform.SystemTests;

/// <summary>
/// The route catalogue that drives the authorization matrix and the fuzzer is exactly API.md's
/// routes and exactly what the four apps serve, so neither can silently miss a route.
/// </summary>
public sealed class CatalogueTests(ITestOutputHelper output)
{
    private static readonly string[] Apps = ["DonationService", "RequestService", "CampaignService", "MessagingService"];

    [Fact]
    public void The_catalogue_is_exactly_the_routes_the_four_apps_serve()
    {
        var served = Apps.SelectMany(ApiCatalogue.RoutesOfMetadata).ToList();
        var catalogue = ApiCatalogue.Routes.Select(r => r.Key).ToList();

        // Health (and the OpenAPI document) is one route per app; everything else is served by exactly one app.
        Assert.True(
            catalogue.Order(StringComparer.Ordinal).SequenceEqual(served.Order(StringComparer.Ordinal)),
            $"The apps serve routes the catalogue (hence the matrix and the fuzzer) does not know, or the reverse. Served only: {string.Join(", ", served.Except(catalogue))}; "
            + $"catalogue only: {string.Join(", ", catalogue.Except(served))}; counts {served.Count} served, {catalogue.Count} in the catalogue.");
        output.WriteLine($"{catalogue.Count} routes served by the four apps, all in the catalogue.");
    }

    [Fact]
    public void The_catalogue_is_exactly_the_routes_of_api_md()
    {
        var design = ApiCatalogue.RoutesOfApiMd(out var path);
        if (design is null)
        {
            output.WriteLine($"{path} is not here (the shared design lives next to the repository); nothing to compare.");
            return;
        }

        var expected = design.Append("GET /api/health").Distinct().Order(StringComparer.Ordinal).ToList();
        var catalogue = ApiCatalogue.Routes.Where(r => r.InApiMd).Select(r => r.Key).Distinct().Order(StringComparer.Ordinal).ToList();
        Assert.True(
            expected.SequenceEqual(catalogue),
            $"API.md and the catalogue differ. Only in API.md: {string.Join(", ", expected.Except(catalogue))}; only in the catalogue: {string.Join(", ", catalogue.Except(expected))}");
        output.WriteLine($"{expected.Count} distinct routes in {path}, all in the catalogue.");
    }
}
