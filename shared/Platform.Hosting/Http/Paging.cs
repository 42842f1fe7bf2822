using System.Buffers.Text;
using System.Globalization;
using System.Text;
using Microsoft.AspNetCore.Http;

namespace Platform.Hosting.Http;

/// <summary>
/// A keyset position: the sort time and id of the last item of the previous page. A list sorted by
/// something else than its newest-first order (issue 17: relevance, distance, deadline, funding) carries
/// that sort's name in <see cref="Sort"/> and the last item's sort value in <see cref="Key"/>, so that a
/// cursor of one sort given with another is refused (<see cref="ISortedQuery"/>).
/// </summary>
public readonly record struct Cursor(DateTime At, Guid Id)
{
    /// <summary>The sort this cursor belongs to; null: the default newest-first order.</summary>
    public string? Sort { get; init; }

    /// <summary>The sort value of the last item (a finite number or +/- infinity) when <see cref="Sort"/> is set.</summary>
    public double Key { get; init; }

    /// <summary>The time as a UTC offset value, which Npgsql sends as <c>timestamptz</c>.</summary>
    public DateTimeOffset AtOffset => new(DateTime.SpecifyKind(At, DateTimeKind.Utc));

    /// <summary>A position in the list sorted by <paramref name="sort"/>: the last item's sort value and id.</summary>
    public static Cursor Sorted(string sort, double key, Guid id) => new(default, id) { Sort = sort, Key = key };

    public string Encode()
    {
        var text = Sort is null
            ? string.Create(CultureInfo.InvariantCulture, $"{At.Ticks}:{Id:N}")
            : string.Create(CultureInfo.InvariantCulture, $"{Sort}:{Key:R}:{Id:N}");
        return Base64Url.EncodeToString(Encoding.ASCII.GetBytes(text));
    }

    public static bool TryDecode(string? encoded, out Cursor cursor)
    {
        cursor = default;
        if (string.IsNullOrEmpty(encoded) || encoded.Length > 128 || !Base64Url.IsValid(encoded))
        {
            return false;
        }

        var text = Encoding.ASCII.GetString(Base64Url.DecodeFromChars(encoded));
        var parts = text.Split(':');
        if (parts.Length == 3)
        {
            return TryDecodeSorted(parts, out cursor);
        }

        if (parts.Length != 2
            || !long.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var ticks)
            || ticks < DateTime.MinValue.Ticks || ticks > DateTime.MaxValue.Ticks
            || !Guid.TryParseExact(parts[1], "N", out var id))
        {
            return false;
        }

        cursor = new Cursor(new DateTime(ticks, DateTimeKind.Utc), id);
        return true;
    }

    private static bool TryDecodeSorted(string[] parts, out Cursor cursor)
    {
        cursor = default;
        if (parts[0].Length is 0 or > 20 || !parts[0].All(c => c is (>= 'a' and <= 'z') or '_')
            || !double.TryParse(parts[1], NumberStyles.Float, CultureInfo.InvariantCulture, out var key) || double.IsNaN(key)
            || !Guid.TryParseExact(parts[2], "N", out var id))
        {
            return false;
        }

        cursor = Sorted(parts[0], key, id);
        return true;
    }
}

/// <summary>
/// A list query with more than one order (issue 17): <see cref="CursorSort"/> names the sort its
/// cursors must carry (null for the newest-first order), and a cursor of another sort is a 400 on
/// <c>cursor</c> before the function runs.
/// </summary>
public interface ISortedQuery
{
    /// <summary>The sort name a cursor of this query carries; null for newest first.</summary>
    string? CursorSort();
}

/// <summary>A page request: <c>?limit=</c> (1–100, default 20) and <c>?cursor=</c>.</summary>
public readonly record struct PageRequest(int Limit, Cursor? After)
{
    public const int DefaultLimit = 20;
    public const int MaxLimit = 100;
}

/// <summary>A page of a list: <c>{ "items": [...], "next_cursor": "…" | null }</c>.</summary>
public sealed record Page<T>(IReadOnlyList<T> Items, string? NextCursor);

/// <summary>Reads query parameters with the API's rules; every problem lands in one <see cref="Validation"/>.</summary>
public sealed class QueryReader(HttpRequest request, Validation validation)
{
    /// <summary>A single-valued parameter; a repeated one is an error.</summary>
    public string? Text(string name, int maxLength = 200)
    {
        if (!request.Query.TryGetValue(name, out var values) || values.Count == 0)
        {
            return null;
        }

        if (values.Count > 1)
        {
            validation.Add(name, "must be given once");
            return null;
        }

        return validation.Text(name, values[0] ?? string.Empty, 1, maxLength);
    }

    public Guid? Uuid(string name) => Text(name) is { } text ? validation.Uuid(name, text) : null;

    public bool? Flag(string name)
    {
        var text = Text(name, 5);
        switch (text)
        {
            case null:
                return null;
            case "true":
                return true;
            case "false":
                return false;
            default:
                validation.Add(name, "must be true or false");
                return null;
        }
    }

    public PageRequest Page()
    {
        var limit = PageRequest.DefaultLimit;
        if (Text("limit", 10) is { } limitText)
        {
            if (!int.TryParse(limitText, NumberStyles.None, CultureInfo.InvariantCulture, out limit) || limit < 1 || limit > PageRequest.MaxLimit)
            {
                validation.Add("limit", $"must be a whole number from 1 to {PageRequest.MaxLimit}");
                limit = PageRequest.DefaultLimit;
            }
        }

        Cursor? after = null;
        if (Text("cursor", 128) is { } cursorText)
        {
            if (Cursor.TryDecode(cursorText, out var cursor))
            {
                after = cursor;
            }
            else
            {
                validation.Add("cursor", "is not a cursor this API returned");
            }
        }

        return new PageRequest(limit, after);
    }

    /// <summary>A cursor must belong to the sort of the query it is given with.</summary>
    public void CheckSort(PageRequest page, ISortedQuery query)
    {
        if (page.After is { } after && after.Sort != query.CursorSort())
        {
            validation.Add("cursor", $"was returned for sort={after.Sort ?? "newest"}, not sort={query.CursorSort() ?? "newest"}; start again without a cursor");
        }
    }
}

public static class PageExtensions
{
    /// <summary>Builds a page from up to limit + 1 rows fetched in keyset order.</summary>
    public static Page<T> ToPage<T>(this IReadOnlyList<T> rows, int limit, Func<T, Cursor> cursorOf)
    {
        if (rows.Count <= limit)
        {
            return new Page<T>(rows, null);
        }

        var items = rows.Take(limit).ToList();
        return new Page<T>(items, cursorOf(items[^1]).Encode());
    }
}
