namespace Analytics.Grains.Codec;

/// <summary>Helpers for the compact binary formats of device states, requests and counter documents.</summary>
internal static class BinaryExtensions
{
    public static void WriteNullable(this BinaryWriter w, string? value)
    {
        w.Write(value is not null);
        if (value is not null)
        {
            w.Write(value);
        }
    }

    public static string? ReadNullableString(this BinaryReader r) => r.ReadBoolean() ? r.ReadString() : null;

    public static void WriteVar(this BinaryWriter w, long value) => w.Write7BitEncodedInt64(value);

    public static long ReadVar(this BinaryReader r) => r.Read7BitEncodedInt64();
}
