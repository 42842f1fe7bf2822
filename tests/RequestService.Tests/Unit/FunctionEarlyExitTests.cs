using Microsoft.AspNetCore.Http;
using Moq;
using Npgsql;
using Platform.Data;
using Platform.Hosting.Auth;
using Platform.Hosting.Http;
using RequestService.Copies;
using RequestService.Donations;
using RequestService.OpenApi;
using RequestService.Ratings;
using RequestService.Requests;
using static RequestService.Tests.Unit.Harness;

namespace RequestService.Tests.Unit;

/// <summary>
/// The function classes answer 401, 400, 403, 404, 409 and 503 before they write anything: the
/// database is unreachable and the store a strict mock, so a path that goes further fails. The
/// action functions open their transaction before the rule check, so their 403/404/409 answers are
/// covered end to end (EndToEnd/PermissionTests).
/// </summary>
public sealed class FunctionEarlyExitTests
{
    private static readonly Guid AvailableDonation = DonationId;

    private readonly Mock<IRequestStore> _requests = new(MockBehavior.Strict);
    private readonly Mock<IDonationClient> _donations = new(MockBehavior.Strict);
    private readonly Mock<ILocalCopies> _copies = new(MockBehavior.Strict);

    /// <summary>By default the copies know neither the caller nor the donation, so donation-service decides.</summary>
    public FunctionEarlyExitTests() => Copies(new CopiedFacts());

    private static HttpCalls Http(Mock<IAuthenticator> auth) => new(auth.Object, RequestApi.Description);

    private RequestFunctions Requests(Mock<IAuthenticator> auth) =>
        new(Http(auth), new IdempotentWrites(UnreachableDatabase()), _requests.Object, _donations.Object, _copies.Object, new UserBlockCopies());

    private RequestActionFunctions Actions(Mock<IAuthenticator> auth) =>
        new(Http(auth), UnreachableDatabase(), _requests.Object, new RequestWorkflow(_requests.Object), _copies.Object);

    private RatingFunctions Ratings(Mock<IAuthenticator> auth) =>
        new(Http(auth), UnreachableDatabase(), new IdempotentWrites(UnreachableDatabase()), _requests.Object, new RatingStore(UnreachableDatabase()), _copies.Object);

    // ---- POST /api/requests ----

    [Fact]
    public async Task Create_passes_a_401_through_without_calling_donation_service()
    {
        var (status, _, headers) = await (await Requests(Auth(AuthResult.Anonymous)).CreateRequest(Post($$"""{"donation_id":"{{DonationId}}"}"""), CancellationToken.None)).RunAsync();

        Assert.Equal(StatusCodes.Status401Unauthorized, status);
        Assert.Equal("Bearer", headers.WWWAuthenticate.ToString());
        _donations.VerifyNoOtherCalls();
    }

    [Theory]
    [InlineData("{}", "donation_id")]
    [InlineData("""{"donation_id":"nope"}""", "donation_id")]
    [InlineData("""{"donation_id":"00000000-0000-0000-0000-000000000000"}""", "donation_id")]
    [InlineData("""{"donation_id":42}""", "donation_id")]
    [InlineData("""{"donation_id":"0197a2c4-2222-7000-8000-000000000002","message":7}""", "message")]
    public async Task Create_is_400_for_bad_fields_before_any_call(string body, string field)
    {
        var (status, json, _) = await (await Requests(Auth(Recipient)).CreateRequest(Post(body), CancellationToken.None)).RunAsync();

        Assert.Equal(StatusCodes.Status400BadRequest, status);
        Assert.Equal([field], json.ErrorFields());
        _donations.VerifyNoOtherCalls();
    }

    [Fact]
    public async Task Create_is_400_for_a_message_over_1000_characters()
    {
        var body = $$"""{"donation_id":"{{DonationId}}","message":"{{new string('m', 1001)}}"}""";

        var (status, json, _) = await (await Requests(Auth(Recipient)).CreateRequest(Post(body), CancellationToken.None)).RunAsync();

        Assert.Equal(StatusCodes.Status400BadRequest, status);
        Assert.Equal(["message"], json.ErrorFields());
    }

    [Fact]
    public async Task Create_is_400_without_a_body()
    {
        var (status, _, _) = await (await Requests(Auth(Recipient)).CreateRequest(Post(), CancellationToken.None)).RunAsync();

        Assert.Equal(StatusCodes.Status400BadRequest, status);
        _donations.VerifyNoOtherCalls();
    }

    [Theory]
    [InlineData(true, false)]
    [InlineData(false, true)]
    [InlineData(true, true)]
    public async Task Create_is_503_with_Retry_After_when_donation_service_does_not_answer(bool profileDown, bool donationDown)
    {
        Lookups(
            profileDown ? new CallerProfile(LookupOutcome.Unavailable) : new CallerProfile(LookupOutcome.Found, "recipient"),
            donationDown ? new DonationLookup(LookupOutcome.Unavailable) : new DonationLookup(LookupOutcome.Found, DonorId, "available"));

        var (status, json, headers) = await (await Requests(Auth(Recipient)).CreateRequest(Post(Body()), CancellationToken.None)).RunAsync();

        Assert.Equal(StatusCodes.Status503ServiceUnavailable, status);
        Assert.Equal("5", headers.RetryAfter.ToString());
        Assert.Equal(503, json.GetProperty("status").GetInt32());
        Assert.Contains("nothing was created", json.GetProperty("detail").GetString(), StringComparison.Ordinal);
        _requests.VerifyNoOtherCalls();
    }

    [Fact]
    public async Task Create_asks_donation_service_with_the_callers_own_token()
    {
        Lookups(new CallerProfile(LookupOutcome.Found, "donor"), new DonationLookup(LookupOutcome.Found, DonorId, "available"));

        await Requests(Auth(Recipient)).CreateRequest(Post(Body()), CancellationToken.None);

        _donations.Verify(d => d.GetCallerProfileAsync(Token, It.IsAny<CancellationToken>()), Times.Once);
        _donations.Verify(d => d.GetDonationAsync(AvailableDonation, Token, It.IsAny<CancellationToken>()), Times.Once);
    }

    [Theory]
    [InlineData("recipient", true, 403, "blocked")]
    [InlineData("donor", false, 403, "Only recipients")]
    [InlineData("admin", false, 403, "Only recipients")]
    public async Task Create_is_refused_for_blocked_callers_and_non_recipients(string role, bool blocked, int expected, string detail)
    {
        Lookups(new CallerProfile(LookupOutcome.Found, role, blocked), new DonationLookup(LookupOutcome.Found, DonorId, "available"));

        var (status, json, _) = await (await Requests(Auth(Recipient)).CreateRequest(Post(Body()), CancellationToken.None)).RunAsync();

        Assert.Equal(expected, status);
        Assert.Contains(detail, json.GetProperty("detail").GetString(), StringComparison.Ordinal);
        _requests.VerifyNoOtherCalls();
    }

    [Fact]
    public async Task Create_is_404_for_a_donation_donation_service_does_not_show()
    {
        Lookups(new CallerProfile(LookupOutcome.Found, "recipient"), new DonationLookup(LookupOutcome.NotFound));

        var (status, _, _) = await (await Requests(Auth(Recipient)).CreateRequest(Post(Body()), CancellationToken.None)).RunAsync();

        Assert.Equal(StatusCodes.Status404NotFound, status);
    }

    [Fact]
    public async Task Create_is_403_for_ones_own_donation()
    {
        Lookups(new CallerProfile(LookupOutcome.Found, "recipient"), new DonationLookup(LookupOutcome.Found, RecipientId, "available"));

        var (status, json, _) = await (await Requests(Auth(Recipient)).CreateRequest(Post(Body()), CancellationToken.None)).RunAsync();

        Assert.Equal(StatusCodes.Status403Forbidden, status);
        Assert.Contains("your own donation", json.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("pending")]
    [InlineData("claimed")]
    [InlineData("completed")]
    [InlineData("rejected")]
    public async Task Create_is_409_with_the_status_when_the_donation_is_not_available(string donationStatus)
    {
        Lookups(new CallerProfile(LookupOutcome.Found, "recipient"), new DonationLookup(LookupOutcome.Found, DonorId, donationStatus));

        var (status, json, _) = await (await Requests(Auth(Recipient)).CreateRequest(Post(Body()), CancellationToken.None)).RunAsync();

        Assert.Equal(StatusCodes.Status409Conflict, status);
        Assert.Contains($"(status: {donationStatus})", json.GetProperty("detail").GetString(), StringComparison.Ordinal);
        _requests.VerifyNoOtherCalls();
    }

    // ---- POST /api/requests: request-service's copies ----

    [Fact]
    public async Task Create_is_403_when_the_profile_copy_says_blocked_without_asking_donation_service()
    {
        Copies(new CopiedFacts { Role = "recipient", Blocked = true, DonorId = DonorId, Status = "available" });

        var (status, json, _) = await (await Requests(Auth(Recipient)).CreateRequest(Post(Body()), CancellationToken.None)).RunAsync();

        Assert.Equal(StatusCodes.Status403Forbidden, status);
        Assert.Contains("blocked", json.GetProperty("detail").GetString(), StringComparison.Ordinal);
        _donations.VerifyNoOtherCalls();
        _requests.VerifyNoOtherCalls();
    }

    /// <summary>Every way the copies can fall short of confirming: donation-service is asked (and, being down here, gives 503).</summary>
    [Theory]
    [InlineData(null, null, null, null)] // neither copy has a row yet
    [InlineData(null, false, "donor", "available")] // a row carried over from blocked_users: role unknown
    [InlineData("recipient", false, null, null)] // the donation's events have not arrived
    [InlineData("donor", false, "donor", "available")] // not a recipient (by the copy, which may lag)
    [InlineData("admin", false, "donor", "available")]
    [InlineData("recipient", false, "donor", "claimed")] // not available (by the copy, which may lag)
    [InlineData("recipient", false, "donor", "pending")]
    [InlineData("recipient", false, "donor", LocalCopies.Deleted)]
    [InlineData("recipient", false, "self", "available")] // the caller's own donation
    public async Task Create_asks_donation_service_whenever_the_copies_do_not_confirm_everything(string? role, bool? blocked, string? donor, string? donationStatus)
    {
        Copies(new CopiedFacts { Role = role, Blocked = blocked, DonorId = donor switch { "donor" => DonorId, "self" => RecipientId, _ => null }, Status = donationStatus });
        Lookups(new CallerProfile(LookupOutcome.Unavailable), new DonationLookup(LookupOutcome.Unavailable));

        var (status, _, _) = await (await Requests(Auth(Recipient)).CreateRequest(Post(Body()), CancellationToken.None)).RunAsync();

        Assert.Equal(StatusCodes.Status503ServiceUnavailable, status);
        _donations.Verify(d => d.GetDonationAsync(AvailableDonation, Token, It.IsAny<CancellationToken>()), Times.Once);
        _copies.Verify(c => c.ReadForRequestAsync(RecipientId, AvailableDonation, It.IsAny<CancellationToken>()), Times.Once);
    }

    [Fact]
    public async Task Create_goes_straight_to_its_transaction_when_the_copies_confirm_everything()
    {
        Copies(new CopiedFacts { Role = "recipient", Blocked = false, DonorId = DonorId, Status = "available" });

        // The strict donation client has no set-up: asking it would throw a MockException, not reach the (unreachable) database.
        await Assert.ThrowsAnyAsync<NpgsqlException>(async () => await Requests(Auth(Recipient)).CreateRequest(Post(Body()), CancellationToken.None));

        _donations.VerifyNoOtherCalls();
    }

    // ---- GET /api/requests/{id} and GET /api/requests ----

    [Fact]
    public async Task Get_passes_a_401_through()
    {
        var problem = Unauthorized;

        Assert.Same(problem, await Requests(Auth(new AuthResult(null, problem))).GetRequest(Get(), RequestId.ToString(), CancellationToken.None));
        _requests.VerifyNoOtherCalls();
    }

    [Theory]
    [InlineData("nope")]
    [InlineData("00000000-0000-0000-0000-000000000000")]
    [InlineData("{0197a2c4-1111-7000-8000-000000000001}")]
    public async Task Get_is_400_for_a_bad_id(string id)
    {
        var (status, json, _) = await (await Requests(Auth(Recipient)).GetRequest(Get(), id, CancellationToken.None)).RunAsync();

        Assert.Equal(StatusCodes.Status400BadRequest, status);
        Assert.Equal(["id"], json.ErrorFields());
        _requests.VerifyNoOtherCalls();
    }

    [Fact]
    public async Task Get_is_404_for_an_unknown_request()
    {
        _requests.Setup(r => r.FindAsync(RequestId, It.IsAny<CancellationToken>())).ReturnsAsync((DonationRequest?)null);

        var (status, _, _) = await (await Requests(Auth(Recipient)).GetRequest(Get(), RequestId.ToString(), CancellationToken.None)).RunAsync();

        Assert.Equal(StatusCodes.Status404NotFound, status);
    }

    [Fact]
    public async Task Get_is_404_not_403_for_someone_who_is_not_a_party()
    {
        _requests.Setup(r => r.FindAsync(RequestId, It.IsAny<CancellationToken>())).ReturnsAsync(Request());

        var (status, json, _) = await (await Requests(Auth(Other)).GetRequest(Get(), RequestId.ToString(), CancellationToken.None)).RunAsync();

        Assert.Equal(StatusCodes.Status404NotFound, status);
        Assert.False(json.TryGetProperty("recipient_id", out _));
    }

    [Theory]
    [InlineData("donor")]
    [InlineData("recipient")]
    [InlineData("admin")]
    public async Task Get_shows_the_request_to_its_parties_and_admins(string caller)
    {
        _requests.Setup(r => r.FindAsync(RequestId, It.IsAny<CancellationToken>())).ReturnsAsync(Request("approving"));

        var (status, json, _) = await (await Requests(Auth(CallerNamed(caller))).GetRequest(Get(), RequestId.ToString(), CancellationToken.None)).RunAsync();

        Assert.Equal(StatusCodes.Status200OK, status);
        Assert.Equal(RequestId, json.GetProperty("id").GetGuid());
        Assert.Equal(DonorId, json.GetProperty("donor_id").GetGuid());
        Assert.Equal("approving", json.GetProperty("status").GetString());
    }

    [Fact]
    public async Task List_is_400_listing_every_bad_parameter_before_the_store()
    {
        var (status, json, _) = await (await Requests(Auth(Recipient)).ListRequests(Get("?status=lost&role=theirs&donation_id=42&limit=0&cursor=%21"), CancellationToken.None)).RunAsync();

        Assert.Equal(StatusCodes.Status400BadRequest, status);
        Assert.Equal(["cursor", "donation_id", "limit", "role", "status"], json.ErrorFields());
        _requests.VerifyNoOtherCalls();
    }

    [Fact]
    public async Task List_needs_a_signed_in_user()
    {
        var (status, _, _) = await (await Requests(Auth(AuthResult.Anonymous)).ListRequests(Get(), CancellationToken.None)).RunAsync();

        Assert.Equal(StatusCodes.Status401Unauthorized, status);
        _requests.VerifyNoOtherCalls();
    }

    [Fact]
    public async Task List_passes_filter_caller_and_page_to_the_store()
    {
        var filter = new RequestFilter(DonationId, RequestStatus.Approving, RequestListRole.Received);
        _requests.Setup(r => r.ListAsync(filter, Donor, new PageRequest(5, null), It.IsAny<CancellationToken>())).ReturnsAsync([Request("approving")]);

        var (status, json, _) = await (await Requests(Auth(Donor)).ListRequests(Get($"?donation_id={DonationId}&status=approving&role=received&limit=5"), CancellationToken.None)).RunAsync();

        Assert.Equal(StatusCodes.Status200OK, status);
        Assert.Equal(RequestId, json.GetProperty("items")[0].GetProperty("id").GetGuid());
        Assert.Equal(System.Text.Json.JsonValueKind.Null, json.GetProperty("next_cursor").ValueKind);
    }

    // ---- POST /api/requests/{id}/approve|reject|cancel|complete: what is answered before the transaction ----

    public static TheoryData<string> ActionNames => new() { "approve", "reject", "cancel", "complete" };

    [Theory]
    [MemberData(nameof(ActionNames))]
    public async Task Actions_pass_a_401_through(string action)
    {
        var (status, _, _) = await (await Act(Actions(Auth(AuthResult.Anonymous)), action, Post(), RequestId.ToString())).RunAsync();

        Assert.Equal(StatusCodes.Status401Unauthorized, status);
        _requests.VerifyNoOtherCalls();
    }

    [Theory]
    [MemberData(nameof(ActionNames))]
    public async Task Actions_are_400_for_a_bad_id(string action)
    {
        var (status, json, _) = await (await Act(Actions(Auth(Donor)), action, Post(), "not-a-uuid")).RunAsync();

        Assert.Equal(StatusCodes.Status400BadRequest, status);
        Assert.Equal(["id"], json.ErrorFields());
        _requests.VerifyNoOtherCalls();
    }

    [Theory]
    [InlineData("reject", """{"reason":42}""")]
    [InlineData("cancel", """{"reason":42}""")]
    [InlineData("reject", """{"reason":""}""")]
    [InlineData("cancel", "{\"reason\":\"" + "a" + "\"}" + "x")]
    public async Task Reject_and_cancel_are_400_for_a_bad_reason_before_the_transaction(string action, string body)
    {
        var (status, _, _) = await (await Act(Actions(Auth(Donor)), action, Post(body), RequestId.ToString())).RunAsync();

        Assert.Equal(StatusCodes.Status400BadRequest, status);
        _requests.VerifyNoOtherCalls();
    }

    [Theory]
    [InlineData("reject")]
    [InlineData("cancel")]
    public async Task Reject_and_cancel_are_400_for_a_reason_over_500_characters(string action)
    {
        var (status, json, _) = await (await Act(Actions(Auth(Donor)), action, Post($$"""{"reason":"{{new string('r', 501)}}"}"""), RequestId.ToString())).RunAsync();

        Assert.Equal(StatusCodes.Status400BadRequest, status);
        Assert.Equal(["reason"], json.ErrorFields());
    }

    // ---- POST /api/ratings and GET /api/ratings ----

    [Fact]
    public async Task Rating_passes_a_401_through()
    {
        var (status, _, _) = await (await Ratings(Auth(AuthResult.Anonymous)).SubmitRating(Post($$"""{"request_id":"{{RequestId}}","rating":5}"""), CancellationToken.None)).RunAsync();

        Assert.Equal(StatusCodes.Status401Unauthorized, status);
        _requests.VerifyNoOtherCalls();
    }

    [Theory]
    [InlineData("0", "rating")]
    [InlineData("6", "rating")]
    [InlineData("-1", "rating")]
    [InlineData("4.5", "rating")]
    [InlineData("\"five\"", "rating")]
    [InlineData("\"5\"", "rating")]
    [InlineData("null", "rating")]
    [InlineData("true", "rating")]
    public async Task Rating_is_400_outside_whole_numbers_1_to_5(string rating, string field)
    {
        var body = $$"""{"request_id":"{{RequestId}}","rating":{{rating}}}""";

        var (status, json, _) = await (await Ratings(Auth(Recipient)).SubmitRating(Post(body), CancellationToken.None)).RunAsync();

        Assert.Equal(StatusCodes.Status400BadRequest, status);
        Assert.Equal([field], json.ErrorFields());
        _requests.VerifyNoOtherCalls();
    }

    [Theory]
    [InlineData("""{"rating":5}""", "request_id")]
    [InlineData("""{"request_id":"nope","rating":5}""", "request_id")]
    [InlineData("""{"request_id":"0197a2c4-1111-7000-8000-000000000001","rating":5,"comment":17}""", "comment")]
    public async Task Rating_is_400_for_other_bad_fields(string body, string field)
    {
        var (status, json, _) = await (await Ratings(Auth(Recipient)).SubmitRating(Post(body), CancellationToken.None)).RunAsync();

        Assert.Equal(StatusCodes.Status400BadRequest, status);
        Assert.Equal([field], json.ErrorFields());
    }

    [Fact]
    public async Task Rating_is_400_for_a_comment_over_1000_characters()
    {
        var body = $$"""{"request_id":"{{RequestId}}","rating":5,"comment":"{{new string('c', 1001)}}"}""";

        var (status, json, _) = await (await Ratings(Auth(Recipient)).SubmitRating(Post(body), CancellationToken.None)).RunAsync();

        Assert.Equal(StatusCodes.Status400BadRequest, status);
        Assert.Equal(["comment"], json.ErrorFields());
    }

    [Fact]
    public async Task Listing_ratings_is_400_for_a_bad_donor_id_and_passes_a_bad_token_through()
    {
        var (status, json, _) = await (await Ratings(Auth(AuthResult.Anonymous)).ListRatings(Get("?donor_id=someone&limit=500"), CancellationToken.None)).RunAsync();
        Assert.Equal(StatusCodes.Status400BadRequest, status);
        Assert.Equal(["donor_id", "limit"], json.ErrorFields());

        var problem = Unauthorized;
        Assert.Same(problem, await Ratings(Auth(new AuthResult(null, problem))).ListRatings(Get(), CancellationToken.None));
    }

    [Theory]
    [InlineData("""{"comment":"no stars"}""", "rating")]
    [InlineData("""{"rating":0}""", "rating")]
    [InlineData("""{"rating":2.5}""", "rating")]
    [InlineData("""{"rating":3,"comment":7}""", "comment")]
    public async Task Changing_a_rating_is_400_for_bad_fields_before_any_database_work(string body, string field)
    {
        var request = Post(body);
        request.Method = "PUT";

        var (status, json, _) = await (await Ratings(Auth(Recipient)).ChangeRating(request, RequestId.ToString(), CancellationToken.None)).RunAsync();

        Assert.Equal(StatusCodes.Status400BadRequest, status);
        Assert.Equal([field], json.ErrorFields());
        _copies.VerifyNoOtherCalls();
    }

    [Fact]
    public async Task Listing_ratings_is_400_for_a_bad_donation_id()
    {
        var (status, json, _) = await (await Ratings(Auth(AuthResult.Anonymous)).ListRatings(Get("?donation_id=x"), CancellationToken.None)).RunAsync();
        Assert.Equal(StatusCodes.Status400BadRequest, status);
        Assert.Equal(["donation_id"], json.ErrorFields());
    }

    private static string Body() => $$"""{"donation_id":"{{AvailableDonation}}","message":"please"}""";

    private void Copies(CopiedFacts facts) =>
        _copies.Setup(c => c.ReadForRequestAsync(It.IsAny<Guid>(), It.IsAny<Guid>(), It.IsAny<CancellationToken>())).ReturnsAsync(facts);

    private void Lookups(CallerProfile profile, DonationLookup donation)
    {
        _donations.Setup(d => d.GetCallerProfileAsync(It.IsAny<string>(), It.IsAny<CancellationToken>())).ReturnsAsync(profile);
        _donations.Setup(d => d.GetDonationAsync(It.IsAny<Guid>(), It.IsAny<string>(), It.IsAny<CancellationToken>())).ReturnsAsync(donation);
    }

    private static Task<Microsoft.AspNetCore.Mvc.IActionResult> Act(RequestActionFunctions functions, string action, HttpRequest request, string id) => action switch
    {
        "approve" => functions.ApproveRequest(request, id, CancellationToken.None),
        "reject" => functions.RejectRequest(request, id, CancellationToken.None),
        "cancel" => functions.CancelRequest(request, id, CancellationToken.None),
        "complete" => functions.CompleteRequest(request, id, CancellationToken.None),
        _ => throw new ArgumentOutOfRangeException(nameof(action), action, null),
    };
}
