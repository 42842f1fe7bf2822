namespace Platform.Hosting.Http;

/// <summary>UUID parsing for ids in routes, queries and bodies: the canonical 36-character form only.</summary>
public static class Ids
{
    public static bool TryParse(string? text, out Guid id) =>
        text is { Length: 36 } & Guid.TryParseExact(text, "D", out id) && id != Guid.Empty;
}
