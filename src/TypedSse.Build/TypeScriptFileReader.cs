using System;
using System.Collections.Generic;
using System.IO;
using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;

namespace TypedSse.Build;

/// <summary>
/// Reads the TypeScript files that the TypedSse generator embedded in an assembly as
/// <c>[assembly: AssemblyMetadata("TypedSse.TypeScript:&lt;file&gt;", "&lt;text&gt;")]</c>, from its metadata alone: the
/// assembly is never loaded.
/// </summary>
internal static class TypeScriptFileReader
{
    /// <summary>The key prefix the generator writes (TypeScriptCarrier.KeyPrefix).</summary>
    public const string KeyPrefix = "TypedSse.TypeScript:";

    public static IReadOnlyList<KeyValuePair<string, string>> Read(Stream assembly)
    {
        var files = new List<KeyValuePair<string, string>>();
        using var pe = new PEReader(assembly, PEStreamOptions.LeaveOpen);
        if (!pe.HasMetadata)
        {
            return files;
        }

        var metadata = pe.GetMetadataReader();
        if (!metadata.IsAssembly)
        {
            return files;
        }

        foreach (var handle in metadata.GetAssemblyDefinition().GetCustomAttributes())
        {
            var attribute = metadata.GetCustomAttribute(handle);
            if (!IsAssemblyMetadataAttribute(metadata, attribute.Constructor))
            {
                continue;
            }

            var value = metadata.GetBlobReader(attribute.Value);
            if (value.Length < 2 || value.ReadUInt16() != 1)
            {
                continue; // not a custom attribute blob's prolog
            }

            var key = value.ReadSerializedString();
            var text = value.ReadSerializedString();
            if (key is not null && text is not null && key.StartsWith(KeyPrefix, StringComparison.Ordinal))
            {
                files.Add(new KeyValuePair<string, string>(CheckPath(key.Substring(KeyPrefix.Length)), text));
            }
        }

        return files;
    }

    private static bool IsAssemblyMetadataAttribute(MetadataReader metadata, EntityHandle constructor)
    {
        if (constructor.Kind != HandleKind.MemberReference)
        {
            return false;
        }

        var parent = metadata.GetMemberReference((MemberReferenceHandle)constructor).Parent;
        if (parent.Kind != HandleKind.TypeReference)
        {
            return false;
        }

        var type = metadata.GetTypeReference((TypeReferenceHandle)parent);
        return metadata.StringComparer.Equals(type.Name, "AssemblyMetadataAttribute")
            && metadata.StringComparer.Equals(type.Namespace, "System.Reflection");
    }

    // The generator writes plain file names; anything that could leave the output folder is refused.
    private static string CheckPath(string path)
    {
        if (path.Length == 0 || Path.IsPathRooted(path) || path.IndexOfAny(new[] { '/', '\\', ':' }) >= 0 || path.StartsWith(".", StringComparison.Ordinal))
        {
            throw new InvalidDataException($"The assembly names a TypeScript file '{path}' that is not a plain file name.");
        }

        return path;
    }
}
