using System.Text.Json;
using Npgsql;
using Platform.Testing;
using static DonationService.Tests.Http.DonationServiceFixture;

namespace DonationService.Tests.Http;

/// <summary>
/// Issue 18, re-review on edit: a material edit of an available donation sends it back to review
/// (pending: gone from the public, back in the admins' queue, the copies told by donation.updated);
/// safe edits stay immediate.
/// </summary>
[Collection(DonationServiceCollection.Name)]
public sealed class ReReviewApiTests(DonationServiceFixture api)
{
    private static readonly object Approved = new
    {
        title = "Oak chair", description = "Solid, a little worn", category = "furniture", location = "Leeds",
        image_url = "https://cdn.test/chair.jpg", quantity = 1, condition = "good",
    };

    private async Task<(TestUser Donor, Guid Id)> ApprovedDonationAsync()
    {
        var donor = await api.NewUserAsync("donor");
        var id = IdOf(await api.ExpectAsync(await api.SendAsync(HttpMethod.Post, "api/donations", donor.Token, Approved), 201));
        await api.ApproveAsync(id);
        return (donor, id);
    }

    private static Dictionary<string, object?> Edit(params (string Field, object? Value)[] changes)
    {
        var body = JsonSerializer.Deserialize<Dictionary<string, object?>>(JsonSerializer.Serialize(Approved))!;
        foreach (var (field, value) in changes)
        {
            body[field] = value;
        }

        return body;
    }

    private static async Task<List<string?>> PublishedStatusesAsync(Guid id)
    {
        await using var connection = new NpgsqlConnection(TestEnvironment.MainDb);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            "select envelope from donation.outbox where event_type = 'donation.updated' and envelope like '%' || @id::text || '%' order by id", connection);
        command.Parameters.AddWithValue("id", id);
        var statuses = new List<string?>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            statuses.Add(JsonDocument.Parse(reader.GetString(0)).RootElement.GetProperty("data").GetProperty("donation").GetProperty("status").GetString());
        }

        return statuses;
    }

    [Fact]
    public async Task A_new_title_on_an_available_donation_sends_it_back_to_review_out_of_public_sight_until_an_admin_approves_it_again()
    {
        var (donor, id) = await ApprovedDonationAsync();

        var edited = await api.ExpectAsync(await api.SendAsync(HttpMethod.Put, $"api/donations/{id}", donor.Token, Edit(("title", "Pay a deposit to get this chair"))), 200);

        Assert.Equal("pending", Text(edited, "status"));
        Assert.Equal(JsonValueKind.String, edited.GetProperty("resubmitted_at").ValueKind);
        await api.AssertProblemAsync(await api.GetAsync($"api/donations/{id}"), 404);
        Assert.DoesNotContain(id, Ids(await api.GetJsonAsync($"api/donations?donor_id={donor.Id}")));
        Assert.Contains(id, Ids(await api.GetJsonAsync($"api/donations?status=pending&donor_id={donor.Id}", api.AdminToken())));
        Assert.Equal(["pending"], await PublishedStatusesAsync(id)); // one donation.updated, carrying the pending state to every copy

        var approved = await api.ApproveAsync(id);

        Assert.Equal("available", Text(approved, "status"));
        Assert.Equal("Pay a deposit to get this chair", Text(await api.GetJsonAsync($"api/donations/{id}"), "title"));
        Assert.Equal(JsonValueKind.Null, (await api.GetJsonAsync($"api/donations/{id}")).GetProperty("resubmitted_at").ValueKind); // the donor's and admins' only
    }

    [Theory]
    [InlineData("description", "Call me first")]
    [InlineData("category", "electronics")]
    [InlineData("image_url", "https://cdn.test/other.jpg")]
    [InlineData("description", null)]
    public async Task Any_other_material_field_sends_it_back_to_review_too(string field, string? value)
    {
        var (donor, id) = await ApprovedDonationAsync();

        var edited = await api.ExpectAsync(await api.SendAsync(HttpMethod.Put, $"api/donations/{id}", donor.Token, Edit((field, value))), 200);

        Assert.Equal("pending", Text(edited, "status"));
    }

    [Fact]
    public async Task Safe_edits_quantity_condition_location_pickup_and_expiry_stay_immediate_and_public()
    {
        var (donor, id) = await ApprovedDonationAsync();
        var expires = DateTimeOffset.UtcNow.AddDays(3).ToString("yyyy-MM-ddTHH:mm:ssK", System.Globalization.CultureInfo.InvariantCulture);

        var edited = await api.ExpectAsync(await api.SendAsync(HttpMethod.Put, $"api/donations/{id}", donor.Token,
            Edit(("quantity", 3), ("condition", "fair"), ("location", "York"), ("pickup_instructions", "Ring twice"), ("expires_at", expires))), 200);
        var sameAgain = await api.ExpectAsync(await api.SendAsync(HttpMethod.Put, $"api/donations/{id}", donor.Token,
            Edit(("quantity", 3), ("condition", "fair"), ("location", "York"), ("pickup_instructions", "Ring twice"), ("expires_at", expires))), 200);

        Assert.Equal("available", Text(edited, "status"));
        Assert.Equal("available", Text(sameAgain, "status"));
        Assert.Equal(JsonValueKind.Null, edited.GetProperty("resubmitted_at").ValueKind);
        var shown = await api.GetJsonAsync($"api/donations/{id}");
        Assert.Equal((3, "York"), (shown.GetProperty("quantity").GetInt32(), Text(shown, "location")));
        Assert.Equal(["available", "available"], await PublishedStatusesAsync(id));
    }

    [Fact]
    public async Task A_new_photo_on_an_available_donation_sends_it_back_to_review()
    {
        var (donor, id) = await ApprovedDonationAsync();
        var blob = await api.UploadAsync(donor, "donation_image", Uploads.Jpeg());

        var attached = await api.ExpectAsync(await api.SendAsync(HttpMethod.Post, $"api/donations/{id}/images", donor.Token, new { blob_id = blob }), 200);

        Assert.Equal("pending", Text(attached, "status"));
        Assert.Single(attached.GetProperty("images").EnumerateArray());
        await api.AssertProblemAsync(await api.GetAsync($"api/donations/{id}"), 404);
        Assert.Equal(["pending"], await PublishedStatusesAsync(id));
    }

    [Fact]
    public async Task Edits_while_pending_change_nothing_about_review()
    {
        var donor = await api.NewUserAsync("donor");
        var id = IdOf(await api.ExpectAsync(await api.SendAsync(HttpMethod.Post, "api/donations", donor.Token, Approved), 201));

        var edited = await api.ExpectAsync(await api.SendAsync(HttpMethod.Put, $"api/donations/{id}", donor.Token, Edit(("title", "Renamed before review"))), 200);

        Assert.Equal("pending", Text(edited, "status"));
        Assert.Equal(JsonValueKind.Null, edited.GetProperty("resubmitted_at").ValueKind);
    }
}
