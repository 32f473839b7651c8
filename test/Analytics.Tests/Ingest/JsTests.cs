using System.Text.Json;
using Analytics.Frontend.Ingest;
using Xunit;

namespace Analytics.Tests.Ingest;

public sealed class JsTests
{
    [Theory]
    [InlineData(0.0, "0")]
    [InlineData(1.0, "1")]
    [InlineData(-1.5, "-1.5")]
    [InlineData(0.1, "0.1")]
    [InlineData(4.35, "4.35")]
    [InlineData(0.30000000000000004, "0.30000000000000004")]
    [InlineData(0.0001, "0.0001")]
    [InlineData(-0.000123, "-0.000123")]
    [InlineData(0.00001, "0.00001")]
    [InlineData(123456.789, "123456.789")]
    [InlineData(-4.99, "-4.99")]
    [InlineData(1000000000000000.5, "1000000000000000.5")]
    [InlineData(-1.5e15, "-1500000000000000")]
    [InlineData(1e15, "1000000000000000")]
    [InlineData(1e20, "100000000000000000000")]
    [InlineData(12345678901234567890.0, "12345678901234567000")]
    [InlineData(1e21, "1e+21")]
    [InlineData(1.5e300, "1.5e+300")]
    [InlineData(0.000001, "0.000001")]
    [InlineData(1e-7, "1e-7")]
    [InlineData(1.5e-7, "1.5e-7")]
    [InlineData(5e-324, "5e-324")]
    [InlineData(9007199254740992.0, "9007199254740992")]
    [InlineData(double.NaN, "NaN")]
    [InlineData(double.PositiveInfinity, "Infinity")]
    [InlineData(double.NegativeInfinity, "-Infinity")]
    public void NumberToString_formats_like_JavaScript(double value, string expected) =>
        Assert.Equal(expected, Js.NumberToString(value));

    [Fact]
    public void NumberToString_of_negative_zero_is_zero() =>
        Assert.Equal("0", Js.NumberToString(-0.0));

    [Theory]
    [InlineData("42", 42.0)]
    [InlineData("  42\n", 42.0)]
    [InlineData("", 0.0)]
    [InlineData("   ", 0.0)]
    [InlineData("-1.5e3", -1500.0)]
    [InlineData("1.", 1.0)]
    [InlineData(".5", 0.5)]
    [InlineData("0x1F", 31.0)]
    [InlineData("0b101", 5.0)]
    [InlineData("Infinity", double.PositiveInfinity)]
    [InlineData("-Infinity", double.NegativeInfinity)]
    [InlineData("1e400", double.PositiveInfinity)]
    public void ToNumber_reads_whole_numeric_literals(string text, double expected) =>
        Assert.Equal(expected, Js.ToNumber(text));

    [Theory]
    [InlineData("42abc")]
    [InlineData("abc")]
    [InlineData("1e")]
    [InlineData("-")]
    [InlineData(".")]
    [InlineData("0x")]
    [InlineData("-0x10")]
    [InlineData("1,5")]
    [InlineData("infinity")]
    [InlineData("NaN")]
    public void ToNumber_is_NaN_for_anything_else(string text) =>
        Assert.True(double.IsNaN(Js.ToNumber(text)));

    [Theory]
    [InlineData("42abc", 42.0)]
    [InlineData("  -3.5xyz", -3.5)]
    [InlineData("1e3", 1000.0)]
    [InlineData("1e", 1.0)]
    [InlineData("0x10", 0.0)]
    [InlineData(".5.5", 0.5)]
    [InlineData("Infinityx", double.PositiveInfinity)]
    public void ParseFloat_reads_the_leading_decimal_literal(string text, double expected) =>
        Assert.Equal(expected, Js.ParseFloat(text));

    [Theory]
    [InlineData("")]
    [InlineData("abc")]
    [InlineData(".")]
    [InlineData("e5")]
    public void ParseFloat_is_NaN_without_a_leading_number(string text) =>
        Assert.True(double.IsNaN(Js.ParseFloat(text)));

    [Theory]
    [InlineData("30abc", 0, 30.0)]
    [InlineData("  -7", 0, -7.0)]
    [InlineData("30.9", 0, 30.0)]
    [InlineData("1e3", 0, 1.0)]
    [InlineData("0x10", 0, 16.0)]
    [InlineData("0x10", 10, 0.0)]
    [InlineData("+5", 10, 5.0)]
    [InlineData("99999999999999999999", 10, 1e20)]
    public void ParseInt_reads_the_leading_integer(string text, int radix, double expected) =>
        Assert.Equal(expected, Js.ParseInt(text, radix));

    [Theory]
    [InlineData("")]
    [InlineData("abc")]
    [InlineData(".5")]
    [InlineData("-")]
    [InlineData("Infinity")]
    public void ParseInt_is_NaN_without_leading_digits(string text) =>
        Assert.True(double.IsNaN(Js.ParseInt(text)));

    [Theory]
    [InlineData("5", true)]
    [InlineData(" 5 ", true)]
    [InlineData("-2.5e2", true)]
    [InlineData("5abc", false)]
    [InlineData("", false)]
    [InlineData("Infinity", false)]
    [InlineData("1e400", false)]
    [InlineData("abc", false)]
    public void IsNumber_matches_Countly_common_isNumber_for_text(string text, bool expected) =>
        Assert.Equal(expected, Js.IsNumber(text));

    [Theory]
    [InlineData("5", true)]
    [InlineData("\"5\"", true)]
    [InlineData("1e400", false)]
    [InlineData("true", false)]
    [InlineData("null", false)]
    [InlineData("{}", false)]
    [InlineData("[5]", false)]
    public void IsNumber_matches_Countly_common_isNumber_for_json(string json, bool expected) =>
        Assert.Equal(expected, Js.IsNumber(Parse(json)));

    [Theory]
    [InlineData("\"\"", false)]
    [InlineData("\"0\"", true)]
    [InlineData("\"false\"", true)]
    [InlineData("0", false)]
    [InlineData("0.0", false)]
    [InlineData("-0", false)]
    [InlineData("1e-400", false)]
    [InlineData("1", true)]
    [InlineData("false", false)]
    [InlineData("true", true)]
    [InlineData("null", false)]
    [InlineData("{}", true)]
    [InlineData("[]", true)]
    public void IsTruthy_follows_JavaScript(string json, bool expected) =>
        Assert.Equal(expected, Js.IsTruthy(Parse(json)));

    [Theory]
    [InlineData("\"abc\"", "abc")]
    [InlineData("1.50", "1.5")]
    [InlineData("1e400", "Infinity")]
    [InlineData("true", "true")]
    [InlineData("null", "null")]
    [InlineData("{\"$ne\":null}", "[object Object]")]
    [InlineData("[1,[2,null],\"x\",{}]", "1,2,,x,[object Object]")]
    public void ToJsString_matches_String_of_x(string json, string expected) =>
        Assert.Equal(expected, Js.ToJsString(Parse(json)));

    [Theory]
    [InlineData(2.0, 2, "2.00")]
    [InlineData(2.625, 2, "2.63")]
    [InlineData(1.005, 2, "1.00")]
    [InlineData(-0.0, 2, "0.00")]
    [InlineData(1.123456, 5, "1.12346")]
    [InlineData(1e21, 2, "1e+21")]
    [InlineData(0.5, 0, "1")]
    [InlineData(-2.5, 0, "-3")]
    [InlineData(-0.001, 2, "-0.00")]
    [InlineData(5e-324, 5, "0.00000")]
    [InlineData(123456789.125, 2, "123456789.13")]
    [InlineData(0.1, 17, "0.10000000000000001")]
    public void ToFixed_rounds_like_JavaScript(double value, int digits, string expected) =>
        Assert.Equal(expected, Js.ToFixed(value, digits));

    [Theory]
    [InlineData("{ \"a\" : 1.0 , \"b\" : [ true , null ] }", "{\"a\":1,\"b\":[true,null]}")]
    [InlineData("\"tab\\tquote\\\"\"", "\"tab\\tquote\\\"\"")]
    [InlineData("\"\\u0001\"", "\"\\u0001\"")]
    [InlineData("\"ü\"", "\"ü\"")]
    [InlineData("\"a\\ud800b\"", "\"a\uFFFDb\"")]
    [InlineData("1e400", "null")]
    public void Stringify_matches_JSON_stringify(string json, string expected) =>
        Assert.Equal(expected, Js.Stringify(Parse(json)));

    private static JsonElement Parse(string json) => JsonDocument.Parse(json).RootElement.Clone();
}
