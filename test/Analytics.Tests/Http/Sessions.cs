namespace Analytics.Tests.Http;

/// <summary>Expected users time objects (templates for <see cref="Infrastructure.TestTime.Fill"/>).</summary>
public static class Sessions
{
    /// <summary>One new device's first <c>begin_session</c> (country Unknown), nothing else.</summary>
    public const string OneNewUser = """
        {"{Y}":{"t":1,"n":1,"u":1,"e":1,"f":{"0":1},"Unknown":{"u":1,"t":1,"n":1},
          "{W}":{"u":1,"f":{"0":1},"Unknown":{"u":1}},
          "{M}":{"t":1,"n":1,"u":1,"e":1,"f":{"0":1},"Unknown":{"u":1,"t":1,"n":1},
            "{D}":{"t":1,"n":1,"u":1,"e":1,"f":{"0":1},"Unknown":{"t":1,"n":1,"u":1},
              "{H}":{"t":1,"n":1,"u":1,"e":1}}}},
         "meta":{"countries":["Unknown"],"f-ranges":["0"]}}
        """;

    /// <summary>One new device's first <c>begin_session</c> located in country <c>CC</c> (replace it).</summary>
    public const string OneNewUserIn = """
        {"{Y}":{"t":1,"n":1,"u":1,"e":1,"f":{"0":1},"CC":{"u":1,"t":1,"n":1},
          "{W}":{"u":1,"f":{"0":1},"CC":{"u":1}},
          "{M}":{"t":1,"n":1,"u":1,"e":1,"f":{"0":1},"CC":{"u":1,"t":1,"n":1},
            "{D}":{"t":1,"n":1,"u":1,"e":1,"f":{"0":1},"CC":{"t":1,"n":1,"u":1},
              "{H}":{"t":1,"n":1,"u":1,"e":1}}}},
         "meta":{"countries":["CC"],"f-ranges":["0"]}}
        """;

    /// <summary><see cref="OneNewUserIn"/> for <paramref name="country"/>.</summary>
    public static string OneNewUserInCountry(string country) => OneNewUserIn.Replace("CC", country, StringComparison.Ordinal);
}
