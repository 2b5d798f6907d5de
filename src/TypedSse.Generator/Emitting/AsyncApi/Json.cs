using System.Collections.Generic;
using System.Globalization;
using System.Text;

namespace TypedSse.Generator.Emitting.AsyncApi;

/// <summary>
/// A JSON object that keeps its members in insertion order, and writes itself indented by two spaces: the document
/// reads in the order it was built, and the same model always gives the same text. Values are strings, booleans,
/// <see cref="long"/>s and <see cref="ulong"/>s, <see cref="NullValue"/>, <see cref="Json"/> objects and lists of those.
/// </summary>
internal sealed class Json
{
    private readonly List<KeyValuePair<string, object>> _members = [];

    public int Count => _members.Count;

    /// <summary>Sets a member; null leaves it out, and a member set twice keeps its first position.</summary>
    public Json Set(string name, object? value)
    {
        if (value is null)
        {
            return this;
        }

        var index = _members.FindIndex(m => m.Key == name);
        if (index >= 0)
        {
            _members[index] = new(name, value);
        }
        else
        {
            _members.Add(new(name, value));
        }

        return this;
    }

    public object? Get(string name) => _members.Find(m => m.Key == name).Value;

    public override string ToString()
    {
        var builder = new StringBuilder();
        Write(builder, this, 0);
        return builder.Append('\n').ToString();
    }

    private static void Write(StringBuilder builder, object value, int depth)
    {
        switch (value)
        {
            case string text:
                WriteString(builder, text);
                break;
            case NullValue:
                builder.Append("null");
                break;
            case bool flag:
                builder.Append(flag ? "true" : "false");
                break;
            case long number:
                builder.Append(number.ToString(CultureInfo.InvariantCulture));
                break;
            case ulong number:
                builder.Append(number.ToString(CultureInfo.InvariantCulture));
                break;
            case Json json when json._members.Count == 0:
                builder.Append("{}");
                break;
            case Json json:
                builder.Append("{\n");
                for (var i = 0; i < json._members.Count; i++)
                {
                    builder.Append(' ', (depth + 1) * 2);
                    WriteString(builder, json._members[i].Key);
                    builder.Append(": ");
                    Write(builder, json._members[i].Value, depth + 1);
                    builder.Append(i == json._members.Count - 1 ? "\n" : ",\n");
                }

                builder.Append(' ', depth * 2).Append('}');
                break;
            case IReadOnlyList<object> { Count: 0 }:
                builder.Append("[]");
                break;
            case IReadOnlyList<object> items:
                builder.Append("[\n");
                for (var i = 0; i < items.Count; i++)
                {
                    builder.Append(' ', (depth + 1) * 2);
                    Write(builder, items[i], depth + 1);
                    builder.Append(i == items.Count - 1 ? "\n" : ",\n");
                }

                builder.Append(' ', depth * 2).Append(']');
                break;
            default:
                throw new System.ArgumentException($"A JSON value cannot be a {value.GetType()}.", nameof(value));
        }
    }

    private static void WriteString(StringBuilder builder, string text)
    {
        builder.Append('"');
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            switch (c)
            {
                case '"': builder.Append("\\\""); break;
                case '\\': builder.Append("\\\\"); break;
                case '\n': builder.Append("\\n"); break;
                case '\r': builder.Append("\\r"); break;
                case '\t': builder.Append("\\t"); break;
                default:
                    if (c < ' ' || (char.IsSurrogate(c) && !IsPaired(text, i)))
                    {
                        builder.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
                    }
                    else
                    {
                        builder.Append(c);
                    }

                    break;
            }
        }

        builder.Append('"');
    }

    // Documentation text comes from source files, where a lone surrogate is possible but rare: escape it rather
    // than write text that is not UTF-8.
    private static bool IsPaired(string text, int i) =>
        char.IsHighSurrogate(text[i]) ? i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]) : i > 0 && char.IsHighSurrogate(text[i - 1]);
}

/// <summary>The JSON <c>null</c> as a value of a <see cref="Json"/> member or list.</summary>
internal sealed class NullValue
{
    public static readonly NullValue Instance = new();

    private NullValue()
    {
    }
}
