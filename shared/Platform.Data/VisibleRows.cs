namespace Platform.Data;

/// <summary>
/// The condition a list query adds so a caller sees only the rows it may: everyone sees rows in a
/// public state, an owner also sees its own rows in any state, an admin sees all. When the list is
/// already filtered to one status the condition folds to what that status needs, so PostgreSQL gets
/// a plain predicate its keyset index answers instead of an OR it has to filter row by row.
/// The SQL names the parameters <c>@publicStates</c> (text[]) and <c>@callerId</c> (uuid).
/// </summary>
public static class VisibleRows
{
    /// <summary>
    /// The condition, starting with " and ", or an empty string when every row is visible.
    /// </summary>
    /// <param name="signedIn">False for an anonymous caller.</param>
    /// <param name="isAdmin">True for an admin (sees everything).</param>
    /// <param name="statusFilter">The status the list is filtered to, as stored; null for none.</param>
    /// <param name="publicStates">The states anyone may see, as stored.</param>
    /// <param name="ownerColumn">The column holding the owner's user id.</param>
    public static string Condition(bool signedIn, bool isAdmin, string? statusFilter, IReadOnlyCollection<string> publicStates, string ownerColumn)
    {
        if (isAdmin && signedIn)
        {
            return string.Empty;
        }

        if (statusFilter is null)
        {
            return signedIn ? $" and (status = any(@publicStates) or {ownerColumn} = @callerId)" : " and status = any(@publicStates)";
        }

        if (publicStates.Contains(statusFilter, StringComparer.Ordinal))
        {
            return string.Empty;
        }

        return signedIn ? $" and {ownerColumn} = @callerId" : " and false";
    }
}
