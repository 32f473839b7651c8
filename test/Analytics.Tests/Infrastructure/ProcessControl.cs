using System.Diagnostics;
using System.Runtime.InteropServices;

namespace Analytics.Tests.Infrastructure;

/// <summary>Signals for child processes: SIGTERM for a clean stop, SIGKILL for a crash.</summary>
public static partial class ProcessControl
{
    private const int SigInt = 2;
    private const int SigTerm = 15;
    private const int SigKill = 9;

    /// <summary>Asks <paramref name="process"/> to stop cleanly.</summary>
    public static void Terminate(Process process) => _ = Kill(process.Id, SigTerm);

    /// <summary>Interrupts <paramref name="process"/> (Ctrl-C); Azurite saves its database only on this signal.</summary>
    public static void Interrupt(Process process) => _ = Kill(process.Id, SigInt);

    /// <summary>Kills <paramref name="process"/> at once, like a crash (no shutdown hooks run).</summary>
    public static void Crash(Process process) => _ = Kill(process.Id, SigKill);

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Kill(int pid, int signal);
}
