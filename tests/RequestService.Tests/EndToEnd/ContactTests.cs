using System.Text.Json;

namespace RequestService.Tests.EndToEnd;

/// <summary>
/// Issue 17, contact after approval: GET /api/donations/{id}/contact (donation-service) shows both sides
/// of a request only while the claim saga holds the item for it (approved) or after the hand-over
/// (completed), only to those two and admins; everyone else, before approval and after a cancellation
/// or rejection, gets 404.
/// </summary>
[Collection(StackCollection.Name)]
public sealed class ContactTests(StackFixture stack)
{
    [Fact]
    public async Task The_two_sides_of_an_approved_then_completed_request_see_each_others_contact_and_nobody_else_does()
    {
        var donor = await UserAsync("donor", "Dana Donor", "+44 113 496 0000", "Leeds");
        var recipient = await UserAsync("recipient", "Rami Recipient", "+44 20 7946 0000", null);
        var other = await UserAsync("recipient", "Olga Other", "+44 161 496 0000", null);
        var stranger = await stack.NewUserAsync("donor");
        var admin = new TestUser(stack.AdminId, stack.AdminToken);
        var donation = await DonationAsync(donor, "Side gate, ring twice after 6 pm", location: null);
        var request = await stack.RequestIdAsync(recipient, donation);
        var losing = await stack.RequestIdAsync(other, donation);

        // Pending: nobody, not even the two sides or an admin, has a hand-over yet.
        foreach (var who in new[] { donor, recipient, other, stranger, admin })
        {
            await stack.ExpectProblemAsync(await Contact(who, donation), 404);
        }

        await stack.ApproveAndWaitAsync(donor, request);
        await stack.WaitForRequestAsync(other, losing, "rejected");

        var seenByRecipient = await stack.ExpectAsync(await Contact(recipient, donation), 200);
        Assert.Equal(donation, seenByRecipient.GetProperty("donation_id").GetGuid());
        Assert.Equal(request, seenByRecipient.GetProperty("request_id").GetGuid());
        Assert.Equal("approved", seenByRecipient.GetProperty("status").GetString());
        var donorSide = seenByRecipient.GetProperty("donor");
        Assert.Equal(donor.Id, donorSide.GetProperty("user_id").GetGuid());
        Assert.Equal("Dana Donor", donorSide.GetProperty("full_name").GetString());
        Assert.Equal("+44 113 496 0000", donorSide.GetProperty("phone").GetString());
        Assert.Equal(EmailOf(donor), donorSide.GetProperty("email").GetString());
        Assert.Equal("Leeds", seenByRecipient.GetProperty("pickup_location").GetString()); // the donation has none: the donor's profile location
        Assert.Equal("Side gate, ring twice after 6 pm", seenByRecipient.GetProperty("pickup_instructions").GetString());

        var seenByDonor = await stack.ExpectAsync(await Contact(donor, donation), 200);
        var recipientSide = seenByDonor.GetProperty("recipient");
        Assert.Equal(recipient.Id, recipientSide.GetProperty("user_id").GetGuid());
        Assert.Equal("Rami Recipient", recipientSide.GetProperty("full_name").GetString());
        Assert.Equal("+44 20 7946 0000", recipientSide.GetProperty("phone").GetString());
        Assert.Equal(EmailOf(recipient), recipientSide.GetProperty("email").GetString());
        await stack.ExpectAsync(await Contact(admin, donation), 200);

        // The rejected requester, a stranger and anonymous callers learn nothing, not even that it is claimed.
        await stack.ExpectProblemAsync(await Contact(other, donation), 404);
        await stack.ExpectProblemAsync(await Contact(stranger, donation), 404);
        await stack.ExpectProblemAsync(await StackFixture.SendAsync(stack.Donations, HttpMethod.Get, $"api/donations/{donation}/contact"), 401);

        // The pickup instructions are private: not in the donation's public view, only in the donor's.
        var publicView = await stack.ExpectAsync(await StackFixture.SendAsync(stack.Donations, HttpMethod.Get, $"api/donations/{donation}", recipient.Token), 200);
        Assert.Equal(JsonValueKind.Null, publicView.GetProperty("pickup_instructions").ValueKind);
        var donorView = await stack.ExpectAsync(await StackFixture.SendAsync(stack.Donations, HttpMethod.Get, $"api/donations/{donation}", donor.Token), 200);
        Assert.Equal("Side gate, ring twice after 6 pm", donorView.GetProperty("pickup_instructions").GetString());

        // Completed: still shown to both (they may need to talk after the hand-over).
        await stack.ExpectAsync(await stack.ActAsync(donor, request, "complete"), 200);
        await stack.WaitForDonationAsync(donor, donation, "completed");
        var completed = await stack.ExpectAsync(await Contact(recipient, donation), 200);
        Assert.Equal("completed", completed.GetProperty("status").GetString());
        await stack.ExpectProblemAsync(await Contact(other, donation), 404);
    }

    [Theory]
    [InlineData("cancel")]
    [InlineData("reject")]
    public async Task A_cancelled_or_rejected_approval_takes_the_contact_away(string action)
    {
        var donor = await UserAsync("donor", "Dee", "+1 555 0100", null);
        var recipient = await UserAsync("recipient", "Ray", "+1 555 0199", null);
        var donation = await DonationAsync(donor, "Porch", location: "Bristol");
        var request = await stack.RequestIdAsync(recipient, donation);
        await stack.ApproveAndWaitAsync(donor, request);
        var shown = await stack.ExpectAsync(await Contact(recipient, donation), 200);
        Assert.Equal("Bristol", shown.GetProperty("pickup_location").GetString());

        await stack.ExpectAsync(await stack.ActAsync(action == "cancel" ? recipient : donor, request, action), 200);
        await stack.WaitForDonationAsync(donor, donation, "available");
        foreach (var who in new[] { donor, recipient, new TestUser(stack.AdminId, stack.AdminToken) })
        {
            await stack.ExpectProblemAsync(await Contact(who, donation), 404);
        }
    }

    [Fact]
    public async Task Bad_ids_are_400_and_unknown_donations_404()
    {
        var user = await stack.NewUserAsync();
        var problem = await stack.ExpectProblemAsync(await StackFixture.SendAsync(stack.Donations, HttpMethod.Get, "api/donations/not-a-uuid/contact", user.Token), 400);
        Assert.Equal(400, problem.GetProperty("status").GetInt32());
        await stack.ExpectProblemAsync(await Contact(user, Guid.NewGuid()), 404);
    }

    private static string EmailOf(TestUser user) => $"{user.Id:N}@test.local";

    private async Task<TestUser> UserAsync(string role, string name, string phone, string? location)
    {
        var user = await stack.NewUserAsync(role);
        await stack.ExpectAsync(
            await StackFixture.SendAsync(stack.Donations, HttpMethod.Put, "api/profiles/me", user.Token, new { full_name = name, phone, location }), 200);
        return user;
    }

    private async Task<Guid> DonationAsync(TestUser donor, string instructions, string? location)
    {
        var created = await stack.ExpectAsync(
            await StackFixture.SendAsync(stack.Donations, HttpMethod.Post, "api/donations", donor.Token,
                new { title = "Sofa " + Guid.NewGuid().ToString("N")[..6], category = "furniture", location, pickup_instructions = instructions }),
            201);
        Assert.Equal(instructions, created.GetProperty("pickup_instructions").GetString());
        var id = created.GetProperty("id").GetGuid();
        await stack.ApproveDonationAsync(id);
        return id;
    }

    private Task<HttpResponseMessage> Contact(TestUser who, Guid donation) =>
        StackFixture.SendAsync(stack.Donations, HttpMethod.Get, $"api/donations/{donation}/contact", who.Token);
}
