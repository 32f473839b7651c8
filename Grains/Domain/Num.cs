namespace Analytics.Grains.Domain;

/// <summary>Cached decimal strings of small numbers: day, hour, month and bucket keys are built on every request.</summary>
public static class Num
{
    private static readonly string[] Small = Enumerable.Range(0, 64).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToArray();
    private static readonly string[] Weeks = Enumerable.Range(0, 64).Select(i => "w" + i.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToArray();

    /// <summary>The unpadded decimal string of <paramref name="n"/>.</summary>
    public static string S(int n) => (uint)n < Small.Length ? Small[n] : n.ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>Countly's week key, <c>w</c> + week number.</summary>
    public static string Week(int week) => (uint)week < Weeks.Length ? Weeks[week] : "w" + week.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
