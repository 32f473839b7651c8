namespace Analytics.Tests.Infrastructure;

/// <summary>Fills <c>@NAME@</c> tokens in JSON templates (raw strings full of braces, where interpolation is awkward).</summary>
public static class TemplateExtensions
{
    /// <summary><paramref name="template"/> with every <c>@<paramref name="name"/>@</c> replaced by <paramref name="value"/>.</summary>
    public static string With(this string template, string name, object value) =>
        template.Replace("@" + name + "@", Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal);
}
