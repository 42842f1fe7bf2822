using System.Net.Http.Headers;
using System.Text;
using Platform.Testing;

namespace DonationService.Tests.Http;

/// <summary>
/// Hostile and sloppy requests against the real service: each gets the documented 4xx as
/// problem+json with a trace_id, never a 5xx.
/// </summary>
[Collection(DonationServiceCollection.Name)]
public sealed class BadInputTests(DonationServiceFixture api)
{
    private const string Donor = "donor";
    private const string Admin = "admin";
    private const string Anonymous = "anonymous";
    private const string Donations = "api/donations";
    private static readonly string Big = new('a', 70 * 1024);
    private static readonly string Long = new('x', 5000);

    /// <summary>One hostile request: who sends it, where, with which body, and the answer it must get.</summary>
    private sealed record Case(string As, string Method, string Path, Func<HttpContent?> Body, int Status, string? Field = null, bool Chunked = false);

    private static readonly Dictionary<string, Case> Cases = new()
    {
        ["malformed JSON"] = Post("""{"title": "x" "category": "books"}""", 400),
        ["truncated JSON"] = Post("""{"title": "Lamp", "category": "boo""", 400),
        ["single-quoted JSON"] = Post("{'title': 'x', 'category': 'books'}", 400),
        ["trailing comma"] = Post("""{"title":"x","category":"books",}""", 400),
        ["comment in JSON"] = Post("""{"title":"x", /* hi */ "category":"books"}""", 400),
        ["JSON array instead of object"] = Post("""[{"title":"x","category":"books"}]""", 400),
        ["JSON null instead of object"] = Post("null", 400),
        ["JSON string instead of object"] = Post("\"title\"", 400),
        ["JSON number instead of object"] = Post("42", 400),
        ["number for title"] = Post("""{"title": 5, "category": "books"}""", 400, "title"),
        ["array for title"] = Post("""{"title": ["a"], "category": "books"}""", 400, "title"),
        ["boolean for category"] = Post("""{"title": "x", "category": true}""", 400, "category"),
        ["object for description"] = Post("""{"title": "x", "category": "books", "description": {"a": 1}}""", 400, "description"),
        ["number for full_name"] = new(Donor, "PUT", "api/profiles/me", Json("""{"full_name": 12}"""), 400, "full_name"),
        ["unknown category spaceship"] = Post("""{"title": "x", "category": "spaceship"}""", 400, "category"),
        ["category in the wrong case"] = Post("""{"title": "x", "category": "Books"}""", 400, "category"),
        ["role admin"] = new(Donor, "PUT", "api/profiles/me", Json("""{"role": "admin"}"""), 400, "role"),
        ["review decision maybe"] = new(Admin, "POST", "api/admin/donations/{id}/review", Json("""{"decision": "maybe"}"""), 400, "decision"),
        ["review decision missing"] = new(Admin, "POST", "api/admin/donations/{id}/review", Json("{}"), 400, "decision"),
        ["review reason of 501 characters"] = new(Admin, "POST", "api/admin/donations/{id}/review", Json($$"""{"decision": "reject", "reason": "{{new string('r', 501)}}"}"""), 400, "reason"),
        ["verification decision maybe"] = new(Admin, "POST", "api/admin/profiles/{id}/verification", Json("""{"decision": "maybe"}"""), 400, "decision"),
        ["control character in title"] = Post("""{"title": "bad\u0007title", "category": "books"}""", 400, "title"),
        ["lone surrogate in title"] = Post("""{"title": "half \ud800 a pair", "category": "books"}""", 400, "title"),
        ["lone surrogate in full_name"] = new(Donor, "PUT", "api/profiles/me", Json("""{"full_name": "x\udc00y"}"""), 400, "full_name"),
        ["NUL character in title"] = Post("""{"title": "nul\u0000", "category": "books"}""", 400, "title"),
        ["5,000-character title"] = Post($$"""{"title": "{{Long}}", "category": "books"}""", 400, "title"),
        ["5,000-character description"] = Post($$"""{"title": "x", "category": "books", "description": "{{Long}}"}""", 400, "description"),
        ["5,000-character location"] = Post($$"""{"title": "x", "category": "books", "location": "{{Long}}"}""", 400, "location"),
        ["5,000-character full_name"] = new(Donor, "PUT", "api/profiles/me", Json($$"""{"full_name": "{{Long}}"}"""), 400, "full_name"),
        ["title of only spaces"] = Post("""{"title": "   ", "category": "books"}""", 400, "title"),
        ["missing title"] = Post("""{"category": "books"}""", 400, "title"),
        ["missing category"] = Post("""{"title": "x"}""", 400, "category"),
        ["file URL as image_url"] = Post("""{"title": "x", "category": "books", "image_url": "file:///etc/passwd"}""", 400, "image_url"),
        ["invalid UTF-8"] = Post(() => Bytes([.. "{\"title\": \""u8, 0xC3, 0x28, .. "\", \"category\": \"books\"}"u8], "application/json"), 400),
        ["JSON nested deeper than 32 levels"] = Post($$"""{"title": "x", "category": "books", "extra": {{new string('[', 40)}}{{new string(']', 40)}}}""", 400),
        ["empty body on create"] = Post(() => Bytes([], "application/json"), 400),
        ["empty body on review"] = new(Admin, "POST", "api/admin/donations/{id}/review", () => Bytes([], "application/json"), 400),
        ["body over 64 KiB with Content-Length"] = Post($$"""{"title": "x", "category": "books", "description": "{{Big}}"}""", 413),
        ["body over 64 KiB chunked"] = new(Donor, "POST", Donations, Json($$"""{"title": "x", "category": "books", "description": "{{Big}}"}"""), 413, Chunked: true),
        ["Content-Type text/plain"] = Post(() => Bytes("""{"title":"x","category":"books"}"""u8.ToArray(), "text/plain"), 415),
        ["Content-Type form"] = Post(() => Bytes("title=x&category=books"u8.ToArray(), "application/x-www-form-urlencoded"), 415),
        ["Content-Type xml"] = new(Donor, "PUT", "api/profiles/me", () => Bytes("<full_name>x</full_name>"u8.ToArray(), "application/xml"), 415),
        ["route id not-a-uuid"] = Get("api/donations/not-a-uuid", 400, "id"),
        ["route id 123 on profiles"] = Get("api/profiles/123", 400, "id"),
        ["route id all zeros"] = Get("api/donations/00000000-0000-0000-0000-000000000000", 400, "id"),
        ["route id without dashes"] = Get($"api/donations/{Guid.NewGuid():N}", 400, "id"),
        ["route id not-a-uuid on update"] = new(Donor, "PUT", "api/donations/not-a-uuid", Json("""{"title":"x","category":"books"}"""), 400, "id"),
        ["route id 123 on delete"] = new(Donor, "DELETE", "api/donations/123", () => null, 400, "id"),
        ["route id xyz on block"] = new(Admin, "POST", "api/admin/profiles/xyz/block", () => null, 400, "id"),
        ["route id xyz on verification"] = new(Admin, "POST", "api/admin/profiles/xyz/verification", Json("""{"decision":"approve"}"""), 400, "id"),
        ["route id 123 on review"] = new(Admin, "POST", "api/admin/donations/123/review", Json("""{"decision":"approve"}"""), 400, "id"),
        ["limit=0"] = Get("api/donations?limit=0", 400, "limit"),
        ["limit=101"] = Get("api/donations?limit=101", 400, "limit"),
        ["limit=abc"] = Get("api/donations?limit=abc", 400, "limit"),
        ["limit=-1"] = Get("api/donations?limit=-1", 400, "limit"),
        ["limit=1.5"] = Get("api/donations?limit=1.5", 400, "limit"),
        ["limit empty"] = Get("api/donations?limit=", 400, "limit"),
        ["limit=99999999999"] = Get("api/donations?limit=99999999999", 400, "limit"),
        ["repeated limit"] = Get("api/donations?limit=10&limit=20", 400, "limit"),
        ["cursor=garbage"] = Get("api/donations?cursor=garbage!", 400, "cursor"),
        ["cursor of base64 text"] = Get("api/donations?cursor=aGVsbG8gd29ybGQ", 400, "cursor"),
        ["cursor of 500 characters"] = Get("api/donations?cursor=" + new string('A', 500), 400, "cursor"),
        ["status=nope"] = Get("api/donations?status=nope", 400, "status"),
        ["status=PENDING"] = Get("api/donations?status=PENDING", 400, "status"),
        ["repeated status"] = Get("api/donations?status=pending&status=available", 400, "status"),
        ["category=spaceship"] = Get("api/donations?category=spaceship", 400, "category"),
        ["donor_id=xyz"] = Get("api/donations?donor_id=xyz", 400, "donor_id"),
        ["donor_id all zeros"] = Get("api/donations?donor_id=00000000-0000-0000-0000-000000000000", 400, "donor_id"),
        ["q of 201 characters"] = Get("api/donations?q=" + new string('q', 201), 400, "q"),
        ["q with a control character"] = Get("api/donations?q=a%01b", 400, "q"),
        ["q of 13 words"] = Get("api/donations?q=" + string.Join("%20", Enumerable.Range(1, 13).Select(i => "w" + i)), 400, "q"),
        ["q of 100 OR'ed words"] = Get("api/donations?q=" + string.Join("%20or%20", Enumerable.Range(1, 100).Select(i => "w" + i)), 400, "q"),
        ["q of operators only"] = Get("api/donations?q=%22%22%20-%20or%20%21%20%26%20%7C", 400, "q"),
        ["q of excluded words only"] = Get("api/donations?q=-chair%20-table", 400, "q"),
        ["q of punctuation only"] = Get("api/donations?q=%2A%2A%2A%3A%3A", 400, "q"),
        ["sort=cheapest"] = Get("api/donations?sort=cheapest", 400, "sort"),
        ["sort=ending_soon (campaigns only)"] = Get("api/donations?sort=ending_soon", 400, "sort"),
        ["sort=relevance without q"] = Get("api/donations?sort=relevance", 400, "sort"),
        ["sort=distance without near"] = Get("api/donations?sort=distance", 400, "sort"),
        ["near with sort=newest"] = Get("api/donations?near=51.5,-0.12&radius_km=5&sort=newest", 400, "sort"),
        ["near with sort=relevance"] = Get("api/donations?q=chair&near=51.5,-0.12&radius_km=5&sort=relevance", 400, "sort"),
        ["near without radius_km"] = Get("api/donations?near=51.5,-0.12", 400, "radius_km"),
        ["radius_km without near"] = Get("api/donations?radius_km=5", 400, "near"),
        ["near latitude 91"] = Get("api/donations?near=91,0&radius_km=5", 400, "near"),
        ["near longitude -180.5"] = Get("api/donations?near=0,-180.5&radius_km=5", 400, "near"),
        ["near not a pair"] = Get("api/donations?near=51.5&radius_km=5", 400, "near"),
        ["near with words"] = Get("api/donations?near=london&radius_km=5", 400, "near"),
        ["near NaN"] = Get("api/donations?near=NaN,NaN&radius_km=5", 400, "near"),
        ["radius_km over 200"] = Get("api/donations?near=51.5,-0.12&radius_km=200.5", 400, "radius_km"),
        ["radius_km 0"] = Get("api/donations?near=51.5,-0.12&radius_km=0", 400, "radius_km"),
        ["radius_km negative"] = Get("api/donations?near=51.5,-0.12&radius_km=-5", 400, "radius_km"),
        ["radius_km 1e3"] = Get("api/donations?near=51.5,-0.12&radius_km=1e3", 400, "radius_km"),
        ["cursor of newest with sort=relevance"] = Get("api/donations?q=chair&sort=relevance&cursor=" + new Platform.Hosting.Http.Cursor(DateTime.UtcNow, Guid.NewGuid()).Encode(), 400, "cursor"),
        ["cursor of relevance with newest"] = Get("api/donations?cursor=" + Platform.Hosting.Http.Cursor.Sorted("relevance", 0.5, Guid.NewGuid()).Encode(), 400, "cursor"),
        ["cursor of distance with relevance"] = Get("api/donations?q=chair&sort=relevance&cursor=" + Platform.Hosting.Http.Cursor.Sorted("distance", 10, Guid.NewGuid()).Encode(), 400, "cursor"),
        ["cursor with a NaN key"] = Get("api/donations?q=chair&sort=relevance&cursor=" + System.Buffers.Text.Base64Url.EncodeToString("relevance:NaN:0123456789abcdef0123456789abcdef"u8), 400, "cursor"),
        ["latitude 95 in a body"] = Post("""{"title": "x", "category": "books", "latitude": 95, "longitude": 0}""", 400, "latitude"),
        ["latitude without longitude"] = Post("""{"title": "x", "category": "books", "latitude": 45}""", 400, "longitude"),
        ["longitude as text"] = Post("""{"title": "x", "category": "books", "latitude": 45, "longitude": "east"}""", 400),
        ["profile longitude 181"] = new(Donor, "PUT", "api/profiles/me", Json("""{"latitude": 10, "longitude": 181}"""), 400, "longitude"),
        ["admin blocked=yes"] = new(Admin, "GET", "api/admin/profiles?blocked=yes", () => null, 400, "blocked"),
        ["admin role=owner"] = new(Admin, "GET", "api/admin/profiles?role=owner", () => null, 400, "role"),
        ["admin recipient_status=nope"] = new(Admin, "GET", "api/admin/profiles?recipient_status=nope", () => null, 400, "recipient_status"),
        ["unknown route"] = Get("api/nope", 404),
        ["unknown sub-route of a donation"] = Get("api/donations/{id}/extra", 404),
        ["route without the api prefix"] = Get("donations", 404),
        ["PATCH on donations"] = new(Donor, "PATCH", Donations, Json("{}"), 405),
        ["PUT on the donation list"] = new(Donor, "PUT", Donations, Json("{}"), 405),
        ["PATCH on profiles/me (DELETE erases the account: issue 18)"] = new(Donor, "PATCH", "api/profiles/me", () => null, 405),
        ["POST on the erasure status"] = new(Donor, "POST", "api/profiles/me/erasure", Json("{}"), 405),
        ["POST on health"] = new(Anonymous, "POST", "api/health", Json("{}"), 405),
        ["GET on a review action"] = new(Admin, "GET", "api/admin/donations/{id}/review", () => null, 405),
    };

    private static readonly Dictionary<string, string> ValidBodies = new()
    {
        ["emoji and ZWJ sequences in the title"] = """{"title": "🎁 Free bike 🚲 for kids 👨‍👩‍👧", "category": "toys"}""",
        ["unknown fields, including id, status and donor_id"] =
            """{"title": "Lamp", "category": "household", "id": "00000000-0000-0000-0000-000000000001", "status": "available", "donor_id": "00000000-0000-0000-0000-000000000002", "extra": {"nested": [1, 2, {"deep": null}]}}""",
        ["padded title and empty optional fields"] = """{"title": "  Padded title  ", "category": "books", "description": "", "location": null, "image_url": ""}""",
        ["mixed scripts, newline and tab"] = """{"title": "Ünïcödé ✓ עברית العربية 中文", "category": "other", "description": "Line one\nLine two\ttabbed"}""",
        ["title and description at their maximum length"] =
            $$"""{"title": "{{new string('t', 120)}}", "category": "kitchen", "description": "{{new string('d', 2000)}}"}""",
    };

    public static TheoryData<string> CaseNames => new(Cases.Keys);

    public static TheoryData<string> ValidBodyNames => new(ValidBodies.Keys);

    [Theory]
    [MemberData(nameof(CaseNames))]
    public async Task Bad_input_returns_the_expected_4xx_problem_and_never_a_5xx(string name)
    {
        var bad = Cases[name];
        var request = new HttpRequestMessage(new HttpMethod(bad.Method), bad.Path.Replace("{id}", Guid.NewGuid().ToString(), StringComparison.Ordinal))
        {
            Content = bad.Body(),
        };
        request.Headers.TransferEncodingChunked = bad.Chunked ? true : null;
        if (bad.As != Anonymous)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", bad.As == Admin ? api.AdminToken() : (await api.SharedDonorAsync()).Token);
        }

        using var response = await api.Client.SendAsync(request);
        if (bad.Status is 404 or 405 && api.Service.Hosting == TestHosting.Functions)
        {
            // No function serves this route or method: under the Functions host the request never
            // reaches the app, and the host answers a bare 404 (for a wrong method too).
            Assert.Equal(404, (int)response.StatusCode);
            Assert.Empty(await response.Content.ReadAsByteArrayAsync());
            Assert.True(response.Headers.Contains(Platform.FunctionsHost.FunctionsTestHost.NoFunctionHeader), "the 404 did not come from the host");
            return;
        }

        using var problem = await api.AssertProblemAsync(response, bad.Status);
        if (bad.Field is not null)
        {
            Assert.True(
                problem.RootElement.TryGetProperty("errors", out var errors) && errors.TryGetProperty(bad.Field, out _),
                $"Expected errors.{bad.Field} in {problem.RootElement}");
        }
    }

    [Theory]
    [MemberData(nameof(ValidBodyNames))]
    public async Task Weird_but_valid_create_returns_201_as_a_pending_donation_of_the_caller(string name)
    {
        var body = ValidBodies[name];
        var donor = await api.SharedDonorAsync();

        var created = await api.ExpectAsync(await api.SendAsync(HttpMethod.Post, Donations, donor.Token, body), 201);

        Assert.Equal("pending", DonationServiceFixture.Text(created, "status"));
        Assert.Equal(donor.Id, created.GetProperty("donor_id").GetGuid());
        var title = DonationServiceFixture.Text(created, "title")!;
        Assert.Equal(title.Trim(), title);
        Assert.Contains(title, body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Create_without_a_content_type_is_read_as_json_and_returns_201()
    {
        var donor = await api.SharedDonorAsync();

        var body = Bytes("""{"title": "No content type", "category": "books"}"""u8.ToArray(), null);

        Assert.Null(body.Headers.ContentType);
        await api.ExpectAsync(await api.SendAsync(HttpMethod.Post, Donations, donor.Token, body), 201);
    }

    [Theory]
    [InlineData(0L)]
    [InlineData(1L)]
    [InlineData(3155378975999999999L)]
    [InlineData(638000000000000000L)]
    public async Task List_returns_200_for_a_well_formed_cursor_at_any_time_even_the_extremes(long ticks)
    {
        var cursor = Convert.ToBase64String(Encoding.ASCII.GetBytes($"{ticks}:{Guid.NewGuid():N}")).TrimEnd('=').Replace('+', '-').Replace('/', '_');

        var page = await api.GetJsonAsync("api/donations?limit=1&cursor=" + cursor);

        Assert.True(page.GetProperty("items").GetArrayLength() <= 1);
    }

    private static Case Post(string json, int status, string? field = null) => new(Donor, "POST", Donations, Json(json), status, field);

    private static Case Post(Func<HttpContent?> body, int status) => new(Donor, "POST", Donations, body, status);

    private static Case Get(string path, int status, string? field = null) => new(Anonymous, "GET", path, () => null, status, field);

    private static Func<HttpContent?> Json(string json) => () => new StringContent(json, Encoding.UTF8, "application/json");

    private static ByteArrayContent Bytes(byte[] bytes, string? contentType)
    {
        var content = new ByteArrayContent(bytes);
        content.Headers.ContentType = contentType is null ? null : new MediaTypeHeaderValue(contentType);
        return content;
    }
}
