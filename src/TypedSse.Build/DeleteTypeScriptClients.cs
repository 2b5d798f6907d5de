using System;
using System.IO;
using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;

namespace TypedSse.Build;

/// <summary>Removes the files <see cref="WriteTypeScriptClients"/> wrote, and the folders they leave empty.</summary>
public sealed class DeleteTypeScriptClients : Task
{
    [Required]
    public string OutputDirectory { get; set; } = "";

    [Required]
    public string StateFile { get; set; } = "";

    public override bool Execute()
    {
        try
        {
            var removed = new OutputFolder(OutputDirectory, StateFile).Clean();
            if (removed > 0)
            {
                Log.LogMessage(MessageImportance.Normal, "TypedSse: removed {0} TypeScript file(s) from {1}", removed, OutputDirectory);
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            Log.LogWarning(null, "TSSE103", null, OutputDirectory, 0, 0, 0, 0, "TypedSse could not remove the TypeScript clients from '{0}': {1}", OutputDirectory, ex.Message);
        }

        return true;
    }
}
