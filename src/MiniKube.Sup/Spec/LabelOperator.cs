namespace MiniKube.Sup.Spec;

/// <summary>How a requirement tests one label (k8s selection.Operator; = and == are In of one value, != NotIn).</summary>
public enum LabelOperator
{
    In,
    NotIn,
    Exists,
    DoesNotExist,
    GreaterThan,
    LessThan,
}
