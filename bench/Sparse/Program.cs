// bench/Sparse: GradientDescent with default options against SDCA and OGD on sparse (one-hot, text, hashed) data and the exact
// least-squares optimum, each case and trainer in a fresh process. See RESULTS.md for the command and the figures.
using System.Diagnostics;
using MlNetGd.Bench.Sparse;

string mode = args.Length > 0 ? args[0] : "all";
if (mode == "all")
{
    // Each case and trainer in a fresh child process, so peak working sets and first-touch costs are the fit's own.
    Console.WriteLine("| case | trainer | test RMSE | fit (or solve) | peak working set | notes |");
    Console.WriteLine("|---|---|---|---|---|---|");
    string dll = typeof(SparseCases).Assembly.Location;
    foreach (string c in args.Length > 1 ? args[1].Split(',') : ["birdstrikes", "text", "zipf", "hashed"])
    {
        foreach (string trainer in SparseCases.TrainersFor(c))
        {
            var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true };
            start.ArgumentList.Add(dll);
            start.ArgumentList.Add(c);
            start.ArgumentList.Add(trainer);
            using var child = Process.Start(start)!;
            Console.Write(child.StandardOutput.ReadToEnd());
            child.WaitForExit();
        }
    }
    return;
}
if (mode == "threads")
{
    ThreadScaling.Run();
    return;
}
if (mode == "rowpath")
{
    ThreadScaling.RowPath();
    return;
}
SparseCases.Run(mode, args.Length > 1 ? args[1] : "gd", args.Length > 2 ? args[2] : null);
