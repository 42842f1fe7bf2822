namespace CampaignService.Contributions;

/// <summary>
/// Lets only a few contributions to the same campaign hold a database connection at once in this
/// process. They serialise on the campaign's row lock anyway; without the gate a burst on one
/// popular campaign would park every pooled connection on that lock and starve the other routes
/// (the pool answers 503 after its timeout). The row lock stays what makes contributions correct,
/// across any number of instances; the gate only keeps the waiting in memory.
/// </summary>
public sealed class ContributionGate(TimeSpan? maxWait = null)
{
    public const int ConnectionsPerCampaign = 2;

    /// <summary>How long a contribution waits for its turn before the caller answers 503 (default 20 s).</summary>
    public TimeSpan MaxWait { get; } = maxWait ?? TimeSpan.FromSeconds(20);

    private readonly Dictionary<Guid, Entry> _entries = [];
    private readonly Lock _lock = new();

    /// <summary>Waits for a turn; null when none came within <see cref="MaxWait"/> (the caller answers 503).</summary>
    public async Task<IAsyncDisposable?> EnterAsync(Guid campaignId, CancellationToken cancellationToken)
    {
        Entry entry;
        lock (_lock)
        {
            if (!_entries.TryGetValue(campaignId, out entry!))
            {
                _entries[campaignId] = entry = new Entry();
            }

            entry.Users++;
        }

        var entered = false;
        try
        {
            entered = await entry.Turns.WaitAsync(MaxWait, cancellationToken);
            return entered ? new Turn(this, campaignId, entry) : null;
        }
        finally
        {
            if (!entered)
            {
                Leave(campaignId, entry, release: false);
            }
        }
    }

    /// <summary>Campaigns with someone inside or waiting (for tests and diagnostics).</summary>
    public int ActiveCampaigns
    {
        get
        {
            lock (_lock)
            {
                return _entries.Count;
            }
        }
    }

    private void Leave(Guid campaignId, Entry entry, bool release)
    {
        if (release)
        {
            entry.Turns.Release();
        }

        lock (_lock)
        {
            if (--entry.Users == 0)
            {
                _entries.Remove(campaignId);
                entry.Turns.Dispose();
            }
        }
    }

    private sealed class Entry
    {
        public SemaphoreSlim Turns { get; } = new(ConnectionsPerCampaign, ConnectionsPerCampaign);

        public int Users { get; set; }
    }

    private sealed class Turn(ContributionGate gate, Guid campaignId, Entry entry) : IAsyncDisposable
    {
        private int _left;

        public ValueTask DisposeAsync()
        {
            if (Interlocked.Exchange(ref _left, 1) == 0)
            {
                gate.Leave(campaignId, entry, release: true);
            }

            return ValueTask.CompletedTask;
        }
    }
}
