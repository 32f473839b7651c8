using Xunit;
using Analytics.Frontend.Output;

namespace Analytics.Tests.Output;

public sealed class JsNumberTests
{
    [Theory]
    [InlineData(3.0, "3")]
    [InlineData(2.97, "2.97")]
    [InlineData(66.7, "66.7")]
    [InlineData(0.1 + 0.2, "0.30000000000000004")]
    [InlineData(1e16, "10000000000000000")]
    [InlineData(1e21, "1e+21")]
    [InlineData(1.5e-7, "1.5e-7")]
    [InlineData(0.000001, "0.000001")]
    [InlineData(-0.0, "0")]
    [InlineData(-12.5, "-12.5")]
    public void Format_prints_numbers_as_javascript_string_conversion(double value, string expected) =>
        Assert.Equal(expected, JsNumber.Format(value));

    [Theory]
    [InlineData(0.25, 1, "0.3")]
    [InlineData(1.005, 2, "1.00")]
    [InlineData(0.05, 1, "0.1")]
    [InlineData(0.5 / 3, 1, "0.2")]
    [InlineData(2.5, 1, "2.5")]
    [InlineData(0, 1, "0.0")]
    [InlineData(-0.0001, 1, "-0.0")]
    [InlineData(-2.25, 1, "-2.3")]
    [InlineData(123456.789, 1, "123456.8")]
    public void ToFixed_rounds_the_exact_binary_value_half_away_from_zero(double value, int digits, string expected) =>
        Assert.Equal(expected, JsNumber.ToFixed(value, digits));

    [Theory]
    [InlineData(2.5, 3)]
    [InlineData(-2.5, -2)]
    [InlineData(0.49999999999999994, 0)]
    public void Round_rounds_halves_towards_positive_infinity(double value, double expected) =>
        Assert.Equal(expected, JsNumber.Round(value));
}
