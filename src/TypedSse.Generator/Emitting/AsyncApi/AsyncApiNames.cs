using System.Text;

namespace TypedSse.Generator.Emitting.AsyncApi;

/// <summary>The keys of an AsyncAPI document's maps (channels, messages, schemas): letters, digits, <c>.</c>, <c>-</c> and <c>_</c>.</summary>
internal static class AsyncApiNames
{
    public static bool IsKey(string name)
    {
        if (name.Length == 0)
        {
            return false;
        }

        foreach (var c in name)
        {
            if (!IsKeyChar(c))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary><paramref name="name"/> with every character a key cannot hold replaced by <c>_</c>.</summary>
    public static string Key(string name)
    {
        var key = new StringBuilder(name.Length);
        foreach (var c in name)
        {
            key.Append(IsKeyChar(c) ? c : '_');
        }

        return key.Length == 0 ? "_" : key.ToString();
    }

    private static bool IsKeyChar(char c) => c is (>= 'a' and <= 'z') or (>= 'A' and <= 'Z') or (>= '0' and <= '9') or '.' or '-' or '_';
}
