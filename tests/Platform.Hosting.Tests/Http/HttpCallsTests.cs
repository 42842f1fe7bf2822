using System.Text;
using Microsoft.AspNetCore.Http;
using Moq;
using Platform.Hosting.Auth;
using Platform.Hosting.Http;
using Platform.Hosting.OpenApi;
using Platform.Hosting.Tests.Support;

namespace Platform.Hosting.Tests.Http;

public sealed class HttpCallsTests
{
    private static readonly Caller Ann = new(Guid.Parse("7c9e6679-7425-40de-944b-e07fc1f90ae7"), null, false);
    private static readonly Caller Root = new(Guid.Parse("16fd2706-8baf-433b-82eb-8c7fada847da"), null, true);

    private static readonly ApiDescription Api = new ApiDescription("paint-service", "Paint.")
        .Operation(nameof(ListPaints), op => op.OptionalUser().Summary("List").Query<PaintQuery>().Paged())
        .Operation(nameof(CreatePaint), op => op.User().Summary("Create").Body<PaintBody>())
        .Operation(nameof(RejectPaint), op => op.User().Summary("Reject").Body<PaintBody>(optional: true))
        .Operation(nameof(ApprovePaint), op => op.Admin().Summary("Approve"))
        .Operation(nameof(ForgetMe), op => op.User().Summary("Forget me").EvenWhenErased());

    private readonly Mock<IAuthenticator> _auth = new();

    [Fact]
    public async Task A_user_operation_answers_the_authenticators_401_before_reading_anything()
    {
        var unauthorized = Problems.Unauthorized("Sign in first.");
        _auth.Setup(a => a.RequireUserAsync(It.IsAny<HttpRequest>(), It.IsAny<CancellationToken>())).ReturnsAsync(new AuthResult(null, unauthorized));

        var call = await CreatePaint(Body("{"), "not-a-uuid");

        Assert.Same(unauthorized, call.Problem);
    }

    [Fact]
    public async Task An_erased_users_valid_token_is_401_before_anything_is_read_except_where_the_operation_allows_it()
    {
        SignIn(Ann);
        var erased = new ErasedAccounts();
        erased.Add(Ann.UserId);
        var calls = new HttpCalls(_auth.Object, Api, erased: erased);

        var refused = await (await calls.BeginAsync<PaintBody>(Body("{"), CancellationToken.None, "not-a-uuid", nameof(CreatePaint))).Problem!.RunAsync();
        var allowed = await ForgetMe(Body(null), erased);
        var someoneElse = new ErasedAccounts();
        someoneElse.Add(Root.UserId);
        var notErased = await new HttpCalls(_auth.Object, Api, erased: someoneElse).BeginAsync<PaintBody>(Body("""{"name":"Teal"}"""), CancellationToken.None, null, nameof(CreatePaint));

        Assert.Equal(401, refused.Status);
        Assert.Equal(ErasedAccounts.Detail, refused.Json.GetProperty("detail").GetString());
        Assert.Null(allowed.Problem);
        Assert.Same(Ann, allowed.User);
        Assert.NotEqual(401, notErased.Problem is { } problem ? (await problem.RunAsync()).Status : 0);
    }

    [Fact]
    public async Task An_admin_operation_refuses_other_users_with_403()
    {
        SignIn(Ann);

        var call = await ApprovePaint(Body(null), Guid.NewGuid().ToString());

        Assert.Equal(403, (await call.Problem!.RunAsync()).Status);
    }

    [Fact]
    public async Task An_admin_passes_and_the_route_id_is_parsed()
    {
        SignIn(Root);
        var id = Guid.NewGuid();

        var call = await ApprovePaint(Body(null), id.ToString());

        Assert.Null(call.Problem);
        Assert.Equal(id, call.Id);
        Assert.Same(Root, call.User);
    }

    [Fact]
    public async Task A_bad_id_is_a_400_on_id_after_authentication()
    {
        SignIn(Root);

        var response = await (await ApprovePaint(Body(null), "42")).Problem!.RunAsync();

        Assert.Equal(400, response.Status);
        Assert.Equal("must be a UUID", response.Json.GetProperty("errors").GetProperty("id")[0].GetString());
    }

    [Fact]
    public async Task A_list_binds_its_query_and_its_page_and_lets_anonymous_callers_in()
    {
        _auth.Setup(a => a.AuthenticateAsync(It.IsAny<HttpRequest>(), It.IsAny<CancellationToken>())).ReturnsAsync(AuthResult.Anonymous);
        var owner = Guid.NewGuid();

        var call = await ListPaints(Query($"?owner_id={owner}&shade=red&limit=5"));

        Assert.Null(call.Problem);
        Assert.Null(call.Caller);
        Assert.Equal(new PaintQuery(Shade.Red, owner, null, null), call.Input);
        Assert.Equal(5, call.Page.Limit);
        Assert.Throws<InvalidOperationException>(() => call.User);
    }

    [Fact]
    public async Task The_query_and_the_page_are_checked_together()
    {
        _auth.Setup(a => a.AuthenticateAsync(It.IsAny<HttpRequest>(), It.IsAny<CancellationToken>())).ReturnsAsync(AuthResult.Anonymous);

        var response = await (await ListPaints(Query("?limit=0&shade=green"))).Problem!.RunAsync();

        var errors = response.Json.GetProperty("errors");
        Assert.Equal(400, response.Status);
        Assert.True(errors.TryGetProperty("limit", out _));
        Assert.True(errors.TryGetProperty("shade", out _));
        Assert.True(errors.TryGetProperty("owner_id", out _));
    }

    [Fact]
    public async Task A_body_is_read_checked_and_kept_with_its_bytes()
    {
        SignIn(Ann);
        const string json = """{"name":" Lamp ","shade":"red","address":"https://example.test/a"}""";

        var call = await CreatePaint(Body(json));

        Assert.Null(call.Problem);
        Assert.Equal("Lamp", call.Input.Name);
        Assert.Equal(Encoding.UTF8.GetBytes(json), call.RawBody);
    }

    [Theory]
    [InlineData("""{"name":"Lamp","shade":"red","address":"https://example.test/a","coats":"two"}""", "coats")]
    [InlineData("""{"name":"","shade":"red","address":"https://example.test/a"}""", "name")]
    [InlineData("""{"shade":"red"}""", "address")]
    public async Task A_body_that_does_not_parse_or_breaks_a_rule_is_a_400_naming_the_field(string json, string field)
    {
        SignIn(Ann);

        var response = await (await CreatePaint(Body(json))).Problem!.RunAsync();

        Assert.Equal(400, response.Status);
        Assert.True(response.Json.GetProperty("errors").TryGetProperty(field, out _));
    }

    [Fact]
    public async Task A_required_body_that_is_missing_is_a_400_and_an_optional_one_is_null()
    {
        SignIn(Ann);

        var required = await CreatePaint(Body(null));
        var optional = await RejectPaint(Body(null), Guid.NewGuid().ToString());

        Assert.Equal(400, (await required.Problem!.RunAsync()).Status);
        Assert.Null(optional.Problem);
        Assert.Null(optional.InputOrNull);
    }

    [Fact]
    public async Task A_function_the_description_does_not_know_or_reading_another_type_is_a_programming_error()
    {
        SignIn(Ann);
        var calls = new HttpCalls(_auth.Object, Api);

        await Assert.ThrowsAsync<InvalidOperationException>(() => calls.BeginAsync(Body(null), CancellationToken.None, function: "Nope"));
        await Assert.ThrowsAsync<InvalidOperationException>(() => calls.BeginAsync<PaintQuery>(Body(null), CancellationToken.None, function: nameof(CreatePaint)));
        await Assert.ThrowsAsync<InvalidOperationException>(() => calls.BeginAsync(Body(null), CancellationToken.None, function: nameof(CreatePaint)));
    }

    // Stand-ins for functions: HttpCalls finds the operation by the calling method's name.
    private Task<Call<PaintQuery>> ListPaints(HttpRequest req) => new HttpCalls(_auth.Object, Api).BeginAsync<PaintQuery>(req, CancellationToken.None);

    private Task<Call<PaintBody>> CreatePaint(HttpRequest req, string? id = null) => new HttpCalls(_auth.Object, Api).BeginAsync<PaintBody>(req, CancellationToken.None, id);

    private Task<Call<PaintBody>> RejectPaint(HttpRequest req, string id) => new HttpCalls(_auth.Object, Api).BeginAsync<PaintBody>(req, CancellationToken.None, id);

    private Task<Call<NoInput>> ForgetMe(HttpRequest req, ErasedAccounts erased) => new HttpCalls(_auth.Object, Api, erased: erased).BeginAsync(req, CancellationToken.None);

    private Task<Call<NoInput>> ApprovePaint(HttpRequest req, string id) => new HttpCalls(_auth.Object, Api).BeginAsync(req, CancellationToken.None, id);

    private void SignIn(Caller caller) =>
        _auth.Setup(a => a.RequireUserAsync(It.IsAny<HttpRequest>(), It.IsAny<CancellationToken>())).ReturnsAsync(new AuthResult(caller, null));

    private static HttpRequest Body(string? json) => json is null ? Responses.Request(null, withLength: false) : Responses.Request(json);

    private static HttpRequest Query(string queryString)
    {
        var context = new DefaultHttpContext();
        context.Request.Method = "GET";
        context.Request.QueryString = new QueryString(queryString);
        return context.Request;
    }
}
