namespace MiniKube.Sup.Events;

public interface IEventRecorder
{
    void Record(SupEvent e);
}
