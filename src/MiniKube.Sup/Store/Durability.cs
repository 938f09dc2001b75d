namespace MiniKube.Sup.Store;

/// <summary>When a write reaches the disk.</summary>
public enum Durability
{
    /// <summary>Committed (WAL fsynced) before the write returns: what a user applied, revisions, a Job's status.</summary>
    Now,

    /// <summary>Visible at once, written to disk in the next batch (within <see cref="ObjectStore.FlushInterval"/>):
    /// observations a restart can rebuild or does without (pod status, controller pods, events), so that a container
    /// restart never waits for an fsync.</summary>
    Soon,
}
