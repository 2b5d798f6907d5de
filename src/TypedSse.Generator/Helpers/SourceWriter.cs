using System.Text;

namespace TypedSse.Generator.Helpers;

/// <summary>Writes indented source text. Lines are written with LF endings whatever the platform.</summary>
/// <param name="indentSize">Spaces per level: 4 for C#, 2 for TypeScript.</param>
internal sealed class SourceWriter(int indentSize = 4)
{
    private readonly StringBuilder _builder = new();
    private int _indentation;

    public void WriteLine(string line = "")
    {
        if (line.Length > 0)
        {
            _builder.Append(' ', _indentation * indentSize);
            _builder.Append(line);
        }

        _builder.Append('\n');
    }

    /// <summary>Writes a block of lines (for example a raw string template), indenting each line.</summary>
    public void WriteLines(string text)
    {
        foreach (var line in text.Replace("\r\n", "\n").Split('\n'))
        {
            WriteLine(line.TrimEnd());
        }
    }

    public void OpenBlock(string? header = null)
    {
        if (header is not null)
        {
            WriteLine(header);
        }

        WriteLine("{");
        _indentation++;
    }

    public void CloseBlock()
    {
        _indentation--;
        WriteLine("}");
    }

    public void Indent() => _indentation++;

    public void Unindent() => _indentation--;

    public override string ToString() => _builder.ToString();
}
