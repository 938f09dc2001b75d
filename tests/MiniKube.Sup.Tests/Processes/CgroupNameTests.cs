using MiniKube.Sup.Processes;

namespace MiniKube.Sup.Tests.Processes;

public class CgroupNameTests
{
    [Fact]
    public void A_name_holds_pod_uid_container_and_instance()
    {
        Assert.Equal("web-0_1a2b3c4d_app_3", CgroupName.For("web-0", "1a2b3c4d-5e6f-7a8b-9c0d-000000000000", "app", 3));
    }

    [Fact]
    public void Names_that_join_to_the_same_text_stay_apart()
    {
        // '-' could be in either name: '_' is in neither, so the split is unambiguous.
        Assert.NotEqual(CgroupName.For("a-b", "u", "c", 1), CgroupName.For("a", "u", "b-c", 1));
    }

    [Theory]
    [InlineData("../../etc")]
    [InlineData("a/b")]
    [InlineData("x\ny")]
    [InlineData("")]
    public void Nothing_in_a_name_can_leave_the_tree_or_break_the_file_system(string pod)
    {
        var name = CgroupName.For(pod, "uid", "app", 1);
        Assert.DoesNotContain('/', name);
        Assert.DoesNotContain('\n', name);
        Assert.NotEqual("..", name);
        Assert.Matches("^[a-z0-9.-]+_[a-z0-9-]+_app_1$", name);
    }

    [Fact]
    public void A_name_too_long_for_a_file_is_cut_and_made_unique_by_a_hash()
    {
        var a = CgroupName.For(new string('a', 253), "uid", "app", 1);
        var b = CgroupName.For(new string('a', 253), "uid", "app", 2);
        Assert.Equal(255, a.Length);
        Assert.NotEqual(a, b);
    }
}
