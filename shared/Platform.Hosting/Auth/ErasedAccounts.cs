using System.Collections.Concurrent;

namespace Platform.Hosting.Auth;

/// <summary>
/// Issue 18: the users whose accounts were erased, as this instance knows them. <see cref="Http.HttpCalls"/>
/// answers their tokens 401 on every route but those that show the erasure itself. The set is filled
/// from the service's <c>erased_accounts</c> table at start and on a timer (other instances' writes),
/// and at once by the instance that records an erasure (Platform.Data's <c>ErasedAccountsStore</c>).
/// Erasure is final, so ids are only ever added.
/// </summary>
public sealed class ErasedAccounts
{
    /// <summary>What an erased user's token gets.</summary>
    public const string Detail = "This account has been erased: its sign-in tokens are no longer accepted on the platform.";

    private readonly ConcurrentDictionary<Guid, byte> _ids = new();

    public int Count => _ids.Count;

    public bool IsErased(Guid userId) => !_ids.IsEmpty && _ids.ContainsKey(userId);

    public void Add(Guid userId) => _ids.TryAdd(userId, 0);
}
