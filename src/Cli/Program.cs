using System.Runtime.InteropServices;
using MlNetGd.Cli;
using MlNetGd.IO;

// On Ctrl+C (SIGINT) or SIGTERM, remove the temporary files and directories of unfinished writes, then let the signal end the process.
using var interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, RemoveTemporaries);
using var terminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, RemoveTemporaries);

// The verbs (compare, train, predict, data, script, worker) are listed in CliRunner.CreateRoot, which tests also use in-process.
return CliRunner.Run(args, Console.Out, Console.Error);

static void RemoveTemporaries(PosixSignalContext context)
{
    int removed = Temporaries.DeleteAll();
    Console.Error.WriteLine(StopNotice.For(context.Signal, removed));
}
