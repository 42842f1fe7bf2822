using Platform.Hosting.OpenApi;
using RequestService.Ratings;
using RequestService.Requests;

namespace RequestService.OpenApi;

/// <summary>What request-service's OpenAPI document says about each function (the rules of its bodies, queries and views are on their records).</summary>
public static class RequestApi
{
    private const string ActionConflict = "The request's status does not allow this; detail has the status.";

    public static readonly ApiDescription Description = new ApiDescription(
            RequestServiceSetup.Name,
            "Recipients' requests for donations, the donor's decision (the claim saga with donation-service), and ratings of donors.")
        .Tag("requests", "Recipients' requests for donated items and the donor's decision (approve, reject, hand over).")
        .Tag("ratings", "Ratings of donors by the recipients of their items.")
        .Operation("GetRequestStats", op => op.Tag("admin").Admin()
            .Summary("Admin dashboard: stuck approvals, requests by status, ratings, requests and ratings per day for the last 30 days")
            .Describe("Counts over the whole tables, read from indexes: cheap enough to call every few seconds. stuck_approvals are requests approving "
                + "for more than 15 minutes (the claim saga waits for donation-service: look at the parking queue). Days are UTC calendar days, the last 30 "
                + "(today included, so today's counts grow), oldest first; a day without rows counts 0.")
            .Returns<Stats.RequestStatsView>())
        .Operation("CreateRequest", op => op.Tag("requests").User()
            .Summary("Request a donation (status pending)")
            .Describe("The donation must be available and the caller a recipient who is not blocked: confirmed by request-service's copies of donations and profiles (kept from events), otherwise by asking donation-service with the caller's token. One request per recipient and donation, ever.")
            .Body<CreateRequestBody>().Idempotent()
            .Returns<RequestView>(201, location: true)
            .Error(403, "Not a recipient, blocked, the caller's own donation, or the donor blocked the caller (\"The donor does not accept requests from you.\").")
            .Error(404, "No such donation (or one the caller may not see).")
            .Error(409, "The donation is not available, or the caller already requested it.")
            .Error(503, "donation-service, the database or the broker did not answer; nothing was created. Retry after Retry-After seconds."))
        .Operation("ListRequests", op => op.Tag("requests").User()
            .Summary("List requests, newest first")
            .Describe("Own requests as recipient or donor; admins see all.")
            .Query<RequestFilter>()
            .Paged().Returns<RequestView>())
        .Operation("GetRequest", op => op.Tag("requests").User()
            .Summary("A request (its recipient, the donor or an admin)")
            .Returns<RequestView>())
        .Operation("ApproveRequest", op => op.Tag("requests").User()
            .Summary("Approve a pending request (status approving)")
            .Describe("Starts the claim saga: it ends approved (other pending requests rejected) or rejected with a reason.")
            .Returns<RequestView>(202)
            .Error(403, "Not the donation's donor, or blocked.")
            .Error(409, ActionConflict))
        .Operation("RejectRequest", op => op.Tag("requests").User()
            .Summary("Reject a pending or approved request")
            .Body<RejectBody>(optional: true)
            .Returns<RequestView>()
            .Error(403, "Not the donation's donor, or blocked.")
            .Error(409, ActionConflict))
        .Operation("CancelRequest", op => op.Tag("requests").User()
            .Summary("Cancel own request (releases the item if it was approved)")
            .Body<RejectBody>(optional: true)
            .Returns<RequestView>()
            .Error(403, "Not the request's recipient, or blocked.")
            .Error(409, ActionConflict))
        .Operation("CompleteRequest", op => op.Tag("requests").User()
            .Summary("Mark an approved request handed over (completed)")
            .Returns<RequestView>()
            .Error(403, "Not the donation's donor, or blocked.")
            .Error(409, ActionConflict))
        .Operation("SubmitRating", op => op.Tag("ratings").User()
            .Summary("Rate the donor of a completed request, once")
            .Describe("Only once the item was handed over (request completed). The recipient may change it for 30 days with PUT /api/ratings/{id}.")
            .Body<RatingBody>().Idempotent()
            .Returns<RatingView>(201, location: true)
            .Error(403, "Not the request's recipient, or blocked.")
            .Error(404, "No such request.")
            .Error(409, "The request is not completed, or is already rated."))
        .Operation("ChangeRating", op => op.Tag("ratings").User()
            .Summary("Change own rating and comment (within 30 days)")
            .Describe("Replaces rating and comment (an absent or empty comment clears it). The donor's average follows through rating.changed. "
                + "Sending the current values changes nothing.")
            .Body<RatingChangeBody>()
            .Returns<RatingView>()
            .Error(403, "Not the recipient who gave the rating, or blocked.")
            .Error(404, "No such rating.")
            .Error(409, "More than 30 days since the rating was given; detail has the date it closed."))
        .Operation("ListRatings", op => op.Tag("ratings").OptionalUser()
            .Summary("List ratings, newest first (by donor or by donation)")
            .Describe("Public: request_id and recipient_id are shown only to that recipient, the donor and admins.")
            .Query<RatingFilter>()
            .Paged().Returns<RatingView>());
}
