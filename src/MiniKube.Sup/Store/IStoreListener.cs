namespace MiniKube.Sup.Store;

/// <summary>Something the store hands changes to, under its lock and in version order: it must only queue them.</summary>
internal interface IStoreListener
{
    bool Wants(ObjectEvent e);

    /// <summary>Queues the change; false when the listener is done (it is then dropped).</summary>
    bool Offer(ObjectEvent e);

    /// <summary>The store is closing: no more changes will come.</summary>
    void Close();
}
