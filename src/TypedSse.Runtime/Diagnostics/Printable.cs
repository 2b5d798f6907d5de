using System.Globalization;
using System.Text;

namespace TypedSse.Diagnostics;

/// <summary>Makes a value from outside safe to show in a message or a log line.</summary>
internal static class Printable
{
    /// <summary>Escapes control characters as <c>\uXXXX</c> and caps the length, saying how long the value was.</summary>
    public static string Of(string value, int maxLength = 64)
    {
        var builder = new StringBuilder(Math.Min(value.Length, maxLength) + 8);
        foreach (char c in value.Length > maxLength ? value.AsSpan(0, maxLength) : value.AsSpan())
        {
            if (char.IsControl(c))
            {
                builder.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
            }
            else
            {
                builder.Append(c);
            }
        }
        if (value.Length > maxLength)
        {
            builder.Append("… (").Append(value.Length).Append(" chars)");
        }
        return builder.ToString();
    }
}
