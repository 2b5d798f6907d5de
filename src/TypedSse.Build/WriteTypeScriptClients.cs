using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;

namespace TypedSse.Build;

/// <summary>
/// Writes the TypeScript clients the generator embedded in the built assembly, and the shared runtime beside them in
/// <c>typedsse/</c>, into <see cref="OutputDirectory"/>, with a <c>package.json</c> that makes them ES modules. A file
/// is written only when its content changed.
/// </summary>
public sealed class WriteTypeScriptClients : Task
{
    /// <summary>
    /// The generated files are ES modules whatever package encloses the folder: without it, a folder under a
    /// CommonJS package.json compiles to CommonJS (or, with verbatimModuleSyntax, not at all). A package.json of the
    /// user's in the folder is left as it is.
    /// </summary>
    internal const string PackageJsonName = "package.json";

    internal const string PackageJson = """
        {
          "description": "Written by TypedSse with the generated clients: they are ES modules, whatever the enclosing package says.",
          "type": "module"
        }

        """;

    /// <summary>The compiled assembly (the intermediate one in obj/).</summary>
    [Required]
    public string Assembly { get; set; } = "";

    [Required]
    public string OutputDirectory { get; set; } = "";

    /// <summary>The runtime's .ts files, copied to <c>typedsse/</c> in the output folder.</summary>
    public ITaskItem[] RuntimeFiles { get; set; } = [];

    /// <summary>Where the list of written files is kept between builds, in obj/.</summary>
    [Required]
    public string StateFile { get; set; } = "";

    /// <summary>Every file that is now in the output folder because of TypedSse.</summary>
    [Output]
    public ITaskItem[] Files { get; private set; } = [];

    public override bool Execute()
    {
        IReadOnlyList<KeyValuePair<string, string>> clients;
        try
        {
            using var stream = File.OpenRead(Assembly);
            clients = TypeScriptFileReader.Read(stream);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or BadImageFormatException or InvalidDataException)
        {
            Log.LogError(null, "TSSE100", null, Assembly, 0, 0, 0, 0, "TypedSse could not read the generated TypeScript from '{0}': {1}", Assembly, ex.Message);
            return false;
        }

        var files = new List<KeyValuePair<string, string>>(clients);
        if (clients.Count > 0)
        {
            if (RuntimeFiles.Length == 0)
            {
                Log.LogError(null, "TSSE101", null, null, 0, 0, 0, 0, "TypedSse found no TypeScript runtime files to write beside the clients; check the property TypedSseTypeScriptRuntimeDirectory.");
                return false;
            }

            foreach (var runtimeFile in RuntimeFiles.OrderBy(static f => f.ItemSpec, StringComparer.Ordinal))
            {
                var path = runtimeFile.GetMetadata("FullPath");
                var text = File.ReadAllText(path).Replace("\r\n", "\n");
                files.Add(new KeyValuePair<string, string>(Path.Combine("typedsse", Path.GetFileName(path)), text));
            }
        }

        try
        {
            var folder = new OutputFolder(OutputDirectory, StateFile);
            if (clients.Count > 0 && !folder.HoldsFileOfTheUser(PackageJsonName))
            {
                files.Add(new KeyValuePair<string, string>(PackageJsonName, PackageJson.Replace("\r\n", "\n")));
            }

            var written = folder.Write(files);
            if (written.Count > 0)
            {
                Log.LogMessage(MessageImportance.High, "TypedSse: wrote {0} TypeScript file(s) to {1}", written.Count, folder.Directory);
            }

            Files = files.Select(f => (ITaskItem)new TaskItem(Path.Combine(folder.Directory, f.Key))).ToArray();
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            Log.LogError(null, "TSSE102", null, OutputDirectory, 0, 0, 0, 0, "TypedSse could not write the TypeScript clients to '{0}': {1}", OutputDirectory, ex.Message);
            return false;
        }

        return !Log.HasLoggedErrors;
    }
}
