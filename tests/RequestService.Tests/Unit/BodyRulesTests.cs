using Platform.Hosting.Http;
using Platform.Testing;
using RequestService.Ratings;
using RequestService.Requests;
using static RequestService.Tests.Unit.Harness;

namespace RequestService.Tests.Unit;

/// <summary>The rules declared on request-service's bodies, and what a checked body gives the stores.</summary>
public sealed class BodyRulesTests
{
    [Fact]
    public void A_request_keeps_its_trimmed_message_and_an_empty_one_is_none()
    {
        Assert.Equal(new RequestDraft(DonationId, "please"), BodyRules.Check(new CreateRequestBody(DonationId.ToString(), "  please "), b => b.ToDraft()).Value);
        Assert.Equal(new RequestDraft(DonationId, null), BodyRules.Check(new CreateRequestBody(DonationId.ToString(), "   "), b => b.ToDraft()).Value);
    }

    [Fact]
    public void A_request_needs_a_donation_uuid_and_a_message_of_at_most_1000_characters()
    {
        Assert.Equal(["donation_id", "message"], BodyRules.Check(new CreateRequestBody(null, new string('m', 1001)), b => b.ToDraft()).Errors!.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(["donation_id"], BodyRules.Check(new CreateRequestBody("00000000-0000-0000-0000-000000000000", null), b => b.ToDraft()).Errors!.Keys);
    }

    [Fact]
    public void A_reason_is_trimmed_and_must_not_be_empty()
    {
        Assert.Equal("changed my mind", BodyRules.Check(new RejectBody(" changed my mind "), b => b.Reason).Value);
        Assert.Equal(ResultKind.Invalid, BodyRules.Check(new RejectBody("  "), b => b.Reason).Kind);
    }

    [Fact]
    public void A_rating_keeps_its_trimmed_comment_and_an_empty_one_is_none()
    {
        Assert.Equal(new RatingDraft(RequestId, 4, "kind"), BodyRules.Check(new RatingBody(RequestId.ToString(), 4, " kind "), b => b.ToDraft()).Value);
        Assert.Equal(new RatingDraft(RequestId, 5, null), BodyRules.Check(new RatingBody(RequestId.ToString(), 5, ""), b => b.ToDraft()).Value);
    }

    [Fact]
    public void A_rating_needs_a_request_uuid_and_a_score_from_1_to_5()
    {
        Assert.Equal(["rating", "request_id"], BodyRules.Check(new RatingBody(null, null, null), b => b.ToDraft()).Errors!.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(["rating", "request_id"], BodyRules.Check(new RatingBody("nope", 6, null), b => b.ToDraft()).Errors!.Keys.Order(StringComparer.Ordinal));
    }
}
