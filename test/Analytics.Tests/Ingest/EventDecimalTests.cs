using System.Globalization;
using System.Text;
using System.Text.Json;
using Analytics.Frontend.Ingest;

namespace Analytics.Tests.Ingest;

/// <summary>
/// An event's <c>sum</c> and <c>dur</c> taken straight from a plain JSON number
/// (<see cref="EventNormalizer.TryPlainDecimal"/>) equal what JavaScript's conversions give
/// (<see cref="EventNormalizer.DecimalOfNumber"/>), value and printed form alike.
/// </summary>
public sealed class EventDecimalTests
{
    [Theory]
    [InlineData("4.99", 5, "4.99")]
    [InlineData("100", 5, "100")]
    [InlineData("-0.5", 5, "-0.5")]
    [InlineData("0.00001", 5, "0.00001")]
    [InlineData("123456789012345", 5, "123456789012345")]
    [InlineData("1234567890.12345", 5, "1234567890.12345")]
    [InlineData("0.1234567", int.MaxValue, "0.1234567")]
    public void Plain_numbers_take_the_direct_path(string raw, int maxFraction, string expected)
    {
        Assert.True(EventNormalizer.TryPlainDecimal(Encoding.UTF8.GetBytes(raw), maxFraction, out var value));
        Assert.Equal(expected, value.ToString(CultureInfo.InvariantCulture));
        Assert.Equal(expected, Slow(raw, round5: maxFraction == 5));
    }

    [Theory]
    [InlineData("1e3", 5)]
    [InlineData("1.50", 5)]
    [InlineData("4.999999", 5)]
    [InlineData("1234567890123456", 5)]
    [InlineData("0.1234567890123456", int.MaxValue)]
    [InlineData("1.", 5)]
    [InlineData("0", 5)]
    public void Other_numbers_take_the_JavaScript_path(string raw, int maxFraction) =>
        Assert.False(EventNormalizer.TryPlainDecimal(Encoding.UTF8.GetBytes(raw), maxFraction, out _));

    [Fact]
    public void The_direct_path_agrees_with_JavaScript_on_generated_numbers()
    {
        var random = new Random(20261127);
        var taken = 0;
        for (var n = 0; n < 50_000; n++)
        {
            var digits = random.Next(1, 19);
            var text = new StringBuilder();
            if (random.Next(4) == 0)
            {
                text.Append('-');
            }

            var point = random.Next(0, digits + 1);
            for (var i = 0; i < digits; i++)
            {
                if (i == point && i > 0)
                {
                    text.Append('.');
                }

                // No leading zeros before the point (JSON forbids them), but zeros after it.
                text.Append(i == 0 && point != 1 && digits > 1 ? (char)('1' + random.Next(9)) : (char)('0' + random.Next(10)));
            }

            if (point == 0)
            {
                text.Insert(text[0] == '-' ? 1 : 0, "0.");
            }

            var raw = text.ToString();
            foreach (var round5 in new[] { true, false })
            {
                if (EventNormalizer.TryPlainDecimal(Encoding.UTF8.GetBytes(raw), round5 ? 5 : int.MaxValue, out var fast))
                {
                    taken++;
                    Assert.True(Slow(raw, round5) == fast.ToString(CultureInfo.InvariantCulture), $"{raw} (round5 {round5}): direct {fast}, JavaScript {Slow(raw, round5)}");
                }
            }
        }

        Assert.True(taken > 20_000, $"the direct path was taken only {taken} times");
    }

    private static string? Slow(string raw, bool round5)
    {
        using var doc = JsonDocument.Parse(raw);
        return EventNormalizer.DecimalOfNumber(doc.RootElement, round5)?.ToString(CultureInfo.InvariantCulture);
    }
}
