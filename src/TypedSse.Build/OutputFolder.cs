using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;

namespace TypedSse.Build;

/// <summary>
/// The files TypedSse writes into one output folder, recorded in a state file so that a later build removes the
/// files it no longer writes and a clean removes them all, while any other file in the folder is left alone.
/// </summary>
internal sealed class OutputFolder(string directory, string stateFile)
{
    private static readonly Encoding Utf8 = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false);

    public string Directory { get; } = Path.GetFullPath(directory);

    /// <summary>Writes the files (paths relative to the folder) whose content changed, removes the ones written last time but not now.</summary>
    /// <returns>The files whose content was written.</returns>
    public IReadOnlyList<string> Write(IReadOnlyList<KeyValuePair<string, string>> files)
    {
        var written = new List<string>();
        var current = new List<string>();
        foreach (var file in files)
        {
            var path = Path.GetFullPath(Path.Combine(Directory, file.Key));
            current.Add(path);
            var bytes = Utf8.GetBytes(file.Value);
            if (File.Exists(path) && File.ReadAllBytes(path).AsSpan().SequenceEqual(bytes))
            {
                continue; // unchanged: a front-end watcher sees no event
            }

            System.IO.Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.WriteAllBytes(path, bytes);
            written.Add(path);
        }

        var keep = new HashSet<string>(current, StringComparer.Ordinal);
        DeleteFiles(ReadState().Where(path => !keep.Contains(path)));
        WriteState(current);
        return written;
    }

    /// <summary>Whether the folder holds this file (a path relative to the folder) and TypedSse did not write it.</summary>
    public bool HoldsFileOfTheUser(string file)
    {
        var path = Path.GetFullPath(Path.Combine(Directory, file));
        return File.Exists(path) && !ReadState().Contains(path, StringComparer.Ordinal);
    }

    /// <summary>Removes every file written last time, then the folders left empty, then the state file.</summary>
    public int Clean()
    {
        var files = ReadState();
        DeleteFiles(files);
        if (File.Exists(stateFile))
        {
            File.Delete(stateFile);
        }

        return files.Count;
    }

    private void DeleteFiles(IEnumerable<string> files)
    {
        foreach (var path in files)
        {
            if (File.Exists(path))
            {
                File.Delete(path);
            }

            // Up to and including the output folder, remove each folder that is now empty.
            for (var folder = Path.GetDirectoryName(path); folder is not null && IsInside(folder); folder = Path.GetDirectoryName(folder))
            {
                if (!System.IO.Directory.Exists(folder) || System.IO.Directory.EnumerateFileSystemEntries(folder).Any())
                {
                    break;
                }

                System.IO.Directory.Delete(folder);
            }
        }
    }

    private bool IsInside(string folder)
    {
        var root = Directory.TrimEnd(Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar);
        var candidate = Path.GetFullPath(folder).TrimEnd(Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar);
        return string.Equals(candidate, root, StringComparison.Ordinal)
            || candidate.StartsWith(root + Path.DirectorySeparatorChar, StringComparison.Ordinal);
    }

    private List<string> ReadState() =>
        File.Exists(stateFile) ? File.ReadAllLines(stateFile).Where(static l => l.Length > 0).ToList() : new List<string>();

    private void WriteState(List<string> files)
    {
        var text = string.Concat(files.Select(static f => f + "\n"));
        if (File.Exists(stateFile) && File.ReadAllText(stateFile) == text)
        {
            return;
        }

        System.IO.Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(stateFile))!);
        File.WriteAllText(stateFile, text);
    }
}
