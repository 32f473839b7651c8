using Xunit;
using System.Text.Json.Nodes;
using Analytics.Frontend.Output;
using Analytics.Grains;
using Analytics.Grains.Domain;

namespace Analytics.Tests.Output;

public sealed class CountriesOutputTests
{
    private static readonly TimeZoneInfo Istanbul = TimeZones.Get("Europe/Istanbul");
    private static readonly long Now = LocalTime.ToUnixMs(new DateTime(2024, 10, 15, 13, 42, 0, DateTimeKind.Unspecified), Istanbul);

    [Fact]
    public void Empty_app_gives_three_empty_lists()
    {
        var result = CountriesOutput.Build([], CountriesOutput.Periods(Istanbul, Now));

        Assert.Equal("""{"30days":[],"7days":[],"today":[]}""", OutputJson.Serialize(result, escape: true));
    }

    [Theory]
    [InlineData("30days")]
    [InlineData("7days")]
    [InlineData("today")]
    public void Unknown_country_rows_carry_sessions_users_and_new_users(string key)
    {
        var traffic = new Traffic();
        var t = traffic.At(2024, 10, 15, 13, 20);
        traffic.Send("D", t, begin: true);
        traffic.Send("D", t + 1000, begin: true);
        traffic.Send("D2", t + 2000, begin: true);
        var users = TimeObject.Build(traffic.Snapshots(Collections.Users), TimeObjectShape.Users, Period.Parse("30days", Istanbul, Now).Months);

        var result = CountriesOutput.Build(users, CountriesOutput.Periods(Istanbul, Now));

        Assert.Equal("""[{"country":"Unknown","code":"unknown","t":3,"u":2,"n":2}]""", Json.Text(result[key]));
    }

    [Fact]
    public void Exact_counts_replace_the_estimate_clamped_to_new_users_and_sessions()
    {
        var users = Json.Object("""{"2024":{"10":{"15":{"TR":{"t":5,"n":2,"u":4},"US":{"t":3,"n":3,"u":3}}}},"meta":{"countries":["TR","US"]}}""");
        var periods = CountriesOutput.Periods(Istanbul, Now).Select(p => p with { ExactUsers = new Dictionary<string, long> { ["TR"] = 9, ["US"] = 1 } }).ToList();

        var result = CountriesOutput.Build(users, periods);

        Assert.Equal("""[{"country":"United States","code":"us","t":3,"u":3,"n":3},{"country":"Turkey","code":"tr","t":5,"u":5,"n":2}]""", Json.Text(result["30days"]));
    }

    [Fact]
    public void Rows_are_the_top_10_by_users_then_sorted_by_new_users()
    {
        var codes = new[] { "AD", "AE", "AF", "AG", "AI", "AL", "AM", "AO", "AR", "AT", "AU", "AW" };
        var day = new JsonObject();
        for (var i = 0; i < codes.Length; i++)
        {
            // u grows with i; n is highest for the middle rows.
            day[codes[i]] = new JsonObject { ["t"] = 20, ["n"] = 10 - Math.Abs(6 - i), ["u"] = i + 1 };
        }

        var users = new JsonObject
        {
            ["2024"] = new JsonObject { ["10"] = new JsonObject { ["15"] = day } },
            ["meta"] = new JsonObject { ["countries"] = new JsonArray(codes.Select(c => (JsonNode?)JsonValue.Create(c)).ToArray()) },
        };

        var result = CountriesOutput.Build(users, [new CountryPeriod("today", Period.Parse("hour", Istanbul, Now))]);

        var rows = result["today"]!.AsArray().Select(r => (string)r!["code"]!).ToArray();
        Assert.Equal(["am", "ao", "al", "ar", "ai", "at", "ag", "au", "af", "aw"], rows);
    }

    [Fact]
    public void Today_leaves_out_countries_without_numbers_today()
    {
        var users = Json.Object("""{"2024":{"10":{"14":{"TR":{"t":1,"n":1,"u":1}},"15":{"US":{"t":1,"n":0,"u":1}}}},"meta":{"countries":["TR","US"]}}""");

        var result = CountriesOutput.Build(users, CountriesOutput.Periods(Istanbul, Now));

        Assert.Equal("""[{"country":"United States","code":"us","t":1,"u":1,"n":0}]""", Json.Text(result["today"]));
        Assert.Equal(2, result["30days"]!.AsArray().Count);
    }
}
