using System.Text.Json;
using Platform.Data.Copies;

namespace Platform.Data.Tests.Copies;

public sealed class CopyComparisonTests
{
    private static readonly CopyCheck Profiles = new("copy.profiles", "profiles", "unused", ["role", "blocked"]);

    [Fact]
    public void Equal_copies_have_no_difference_and_fields_the_copy_does_not_keep_are_not_compared()
    {
        var source = Rows(("a", """{"role":"donor","blocked":false,"recipient_status":"none"}"""), ("b", """{"role":"recipient","blocked":true}"""));
        var copy = Rows(("a", """{"role":"donor","blocked":false}"""), ("b", """{"blocked":true,"role":"recipient"}"""));

        var result = CheckCopiesTool.Compare(Profiles, source, copy, ignoreExtra: false);

        Assert.Equal(new[] { 2L, 0, 0, 0 }, new[] { result.Compared, result.Missing, result.Different, result.Extra });
        Assert.Empty(result.Examples);
    }

    [Fact]
    public void Missing_different_and_extra_rows_are_counted_and_named()
    {
        var source = Rows(("a", """{"role":"donor","blocked":false}"""), ("b", """{"role":"recipient","blocked":true}"""));
        var copy = Rows(("b", """{"role":"admin","blocked":true}"""), ("z", """{"role":"donor","blocked":false}"""));

        var result = CheckCopiesTool.Compare(Profiles, source, copy, ignoreExtra: false);

        Assert.Equal(new[] { 2L, 1, 1, 1 }, new[] { result.Compared, result.Missing, result.Different, result.Extra });
        Assert.Equal(
            ["copy.profiles a: missing from the copy", "copy.profiles b: role \"admin\" (source \"recipient\")", "copy.profiles z: in the copy, not in profiles"],
            result.Examples);
        Assert.Equal(0, CheckCopiesTool.Compare(Profiles, source, copy, ignoreExtra: true).Extra);
    }

    [Fact]
    public void Defaults_stand_for_rows_a_side_does_not_hold_and_a_partial_copy_is_compared_only_where_it_has_rows()
    {
        var blocked = new CopyCheck("blocked", "profiles", "unused", ["blocked"], CopyDefault: """{"blocked":false}""");
        var source = Rows(("a", """{"blocked":false}"""), ("b", """{"blocked":true}"""));
        var none = Rows();
        var result = CheckCopiesTool.Compare(blocked, source, none, ignoreExtra: false);
        Assert.Equal((2L, 0L, 1L), (result.Compared, result.Missing, result.Different));

        var sums = new CopyCheck("sums", "ratings", "unused", ["sum"], SourceDefault: """{"sum":0}""");
        var local = Rows(("a", """{"sum":0}"""), ("b", """{"sum":7}"""));
        Assert.Equal(1L, CheckCopiesTool.Compare(sums, none, local, ignoreExtra: false).Different);
        Assert.Equal(0L, CheckCopiesTool.Compare(sums, none, local, ignoreExtra: true).Compared);

        var owners = new CopyCheck("owners", "donations", "unused", ["donor_id"], CopyMayLack: true);
        var donations = Rows(("d1", """{"donor_id":"x"}"""), ("d2", """{"donor_id":"y"}"""));
        var some = Rows(("d2", """{"donor_id":"q"}"""));
        var partial = CheckCopiesTool.Compare(owners, donations, some, ignoreExtra: false);
        Assert.Equal((1L, 0L, 1L), (partial.Compared, partial.Missing, partial.Different));
    }

    private static Dictionary<string, JsonElement> Rows(params (string Key, string Json)[] rows) =>
        rows.ToDictionary(r => r.Key, r => JsonDocument.Parse(r.Json).RootElement.Clone(), StringComparer.Ordinal);
}
