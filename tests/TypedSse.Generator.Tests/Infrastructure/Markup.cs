using Microsoft.CodeAnalysis.Text;

namespace TypedSse.Generator.Tests.Infrastructure;

/// <summary>Source with <c>[|</c>…<c>|]</c> around the spans where diagnostics are expected.</summary>
internal static class Markup
{
    public static (string Source, IReadOnlyList<TextSpan> Spans) Parse(string markup)
    {
        var spans = new List<TextSpan>();
        var source = new System.Text.StringBuilder();
        var start = -1;
        for (var i = 0; i < markup.Length; i++)
        {
            if (markup.AsSpan(i).StartsWith("[|"))
            {
                start = source.Length;
                i++;
            }
            else if (markup.AsSpan(i).StartsWith("|]"))
            {
                spans.Add(TextSpan.FromBounds(start, source.Length));
                i++;
            }
            else
            {
                source.Append(markup[i]);
            }
        }

        return (source.ToString(), spans);
    }
}
