namespace MiniKube.Sup.EndToEnd.Reliability;

/// <summary>The tests that add a local user run one after another (useradd and userdel take /etc/passwd's lock);
/// they load the machine little and run beside the other end-to-end tests.</summary>
[CollectionDefinition(Name)]
public sealed class OtherUserCollection
{
    public const string Name = "OtherUser";
}
