using Platform.Hosting.Auth;
using Platform.Hosting.Http;

namespace RequestService.Requests;

/// <summary>Who may act on a request, and the request state machine.</summary>
public static class RequestRules
{
    public static bool IsParty(DonationRequest request, Caller caller) =>
        caller.IsAdmin || caller.UserId == request.RecipientId || caller.UserId == request.DonorId;

    /// <summary>The donor approves a pending request; the claim saga decides the outcome.</summary>
    public static Failure? CanApprove(DonationRequest request, Caller caller) =>
        Donor(request, caller, "approve") ?? From(request, "approve", RequestStatus.Pending);

    /// <summary>The donor rejects a pending request, or an approved one (which releases the item).</summary>
    public static Failure? CanReject(DonationRequest request, Caller caller) =>
        Donor(request, caller, "reject") ?? From(request, "reject", RequestStatus.Pending, RequestStatus.Approved);

    /// <summary>The recipient cancels while the request is open; an approving or approved one releases the item.</summary>
    public static Failure? CanCancel(DonationRequest request, Caller caller) =>
        !IsVisible(request, caller) ? Result.NotFound("No such request.")
        : caller.UserId != request.RecipientId ? Result.Forbidden("Only the recipient can cancel this request.")
        : From(request, "cancel", RequestStatus.Pending, RequestStatus.Approving, RequestStatus.Approved);

    /// <summary>The donor completes an approved request once the item is handed over.</summary>
    public static Failure? CanComplete(DonationRequest request, Caller caller) =>
        Donor(request, caller, "complete") ?? From(request, "complete", RequestStatus.Approved);

    /// <summary>True when the item was (or is being) claimed for this request, so ending it must release the item.</summary>
    public static bool HoldsClaim(DonationRequest request) => request.State is RequestStatus.Approving or RequestStatus.Approved;

    public static bool IsVisible(DonationRequest request, Caller caller) => IsParty(request, caller);

    private static Failure? Donor(DonationRequest request, Caller caller, string action) =>
        !IsVisible(request, caller) ? Result.NotFound("No such request.")
        : caller.UserId != request.DonorId ? Result.Forbidden($"Only the donation's donor can {action} this request.")
        : null;

    private static Failure? From(DonationRequest request, string action, params RequestStatus[] allowed) =>
        allowed.Contains(request.State)
            ? null
            : Result.Conflict($"A request cannot be {Past(action)} from status {request.Status} (status: {request.Status}).");

    private static string Past(string action) => action switch
    {
        "approve" => "approved",
        "reject" => "rejected",
        "cancel" => "cancelled",
        "complete" => "completed",
        _ => action,
    };
}
