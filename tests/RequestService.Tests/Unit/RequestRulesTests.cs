using Platform.Hosting.Auth;
using Platform.Hosting.Http;
using RequestService.Requests;
using static RequestService.Tests.Unit.Harness;

namespace RequestService.Tests.Unit;

/// <summary>
/// Every action × caller × state of the request state machine, against a table written from API.md
/// and ARCHITECTURE.md ("Sagas"): non-parties get 404, the wrong party 403, a forbidden transition
/// 409 with the current status in the detail.
/// </summary>
public sealed class RequestRulesTests
{
    private static readonly string[] Actions = ["approve", "reject", "cancel", "complete"];
    private static readonly string[] Callers = ["donor", "recipient", "other", "admin"];

    /// <summary>Who may do each action, and from which states (API.md, request-service).</summary>
    private static readonly Dictionary<string, (string Party, string[] From)> Spec = new()
    {
        ["approve"] = ("donor", ["pending"]),
        ["reject"] = ("donor", ["pending", "approved"]),
        ["cancel"] = ("recipient", ["pending", "approving", "approved"]),
        ["complete"] = ("donor", ["approved"]),
    };

    public static TheoryData<string, string, string> Matrix()
    {
        var data = new TheoryData<string, string, string>();
        foreach (var action in Actions)
        {
            foreach (var caller in Callers)
            {
                foreach (var state in States)
                {
                    data.Add(action, caller, state);
                }
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Matrix))]
    public void Each_action_caller_and_state_gets_the_answer_of_the_spec(string action, string caller, string state)
    {
        var (party, from) = Spec[action];
        var outcome = Rule(action)(Request(state), CallerNamed(caller));

        if (caller == "other")
        {
            Assert.Equal(ResultKind.NotFound, outcome?.Kind);
        }
        else if (caller != party)
        {
            Assert.Equal(ResultKind.Forbidden, outcome?.Kind);
        }
        else if (from.Contains(state))
        {
            Assert.Null(outcome);
        }
        else
        {
            Assert.Equal(ResultKind.Conflict, outcome?.Kind);
            Assert.Contains($"(status: {state})", outcome!.Value.Detail, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData("approve", "approved")]
    [InlineData("reject", "rejected")]
    [InlineData("cancel", "cancelled")]
    [InlineData("complete", "completed")]
    public void A_refused_transition_says_what_was_refused_from_which_status(string action, string past)
    {
        var outcome = Rule(action)(Request(action == "complete" ? "completed" : "cancelled"), CallerNamed(Spec[action].Party));

        Assert.Equal(ResultKind.Conflict, outcome?.Kind);
        Assert.StartsWith($"A request cannot be {past} from status", outcome!.Value.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void The_wrong_party_is_told_who_may_act()
    {
        Assert.Equal("Only the donation's donor can approve this request.", RequestRules.CanApprove(Request(), Recipient)!.Value.Detail);
        Assert.Equal("Only the donation's donor can complete this request.", RequestRules.CanComplete(Request("approved"), Admin)!.Value.Detail);
        Assert.Equal("Only the recipient can cancel this request.", RequestRules.CanCancel(Request(), Donor)!.Value.Detail);
    }

    [Theory]
    [InlineData("donor", true)]
    [InlineData("recipient", true)]
    [InlineData("admin", true)]
    [InlineData("other", false)]
    public void Parties_and_admins_see_a_request_nobody_else_does(string caller, bool visible)
    {
        Assert.Equal(visible, RequestRules.IsParty(Request(), CallerNamed(caller)));
        Assert.Equal(visible, RequestRules.IsVisible(Request(), CallerNamed(caller)));
    }

    [Fact]
    public void A_user_who_is_both_admin_and_donor_acts_as_the_donor()
    {
        var adminDonor = new Caller(DonorId, null, IsAdmin: true);

        Assert.Null(RequestRules.CanApprove(Request(), adminDonor));
        Assert.Equal(ResultKind.Forbidden, RequestRules.CanCancel(Request(), adminDonor)?.Kind);
    }

    [Theory]
    [InlineData("pending", false)]
    [InlineData("approving", true)]
    [InlineData("approved", true)]
    [InlineData("rejected", false)]
    [InlineData("cancelled", false)]
    [InlineData("completed", false)]
    public void Only_approving_and_approved_requests_hold_the_claim(string state, bool holds) =>
        Assert.Equal(holds, RequestRules.HoldsClaim(Request(state)));

    private static Func<DonationRequest, Caller, Failure?> Rule(string action) => action switch
    {
        "approve" => RequestRules.CanApprove,
        "reject" => RequestRules.CanReject,
        "cancel" => RequestRules.CanCancel,
        "complete" => RequestRules.CanComplete,
        _ => throw new ArgumentOutOfRangeException(nameof(action), action, null),
    };
}
