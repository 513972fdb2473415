using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace MlNetGd.Bench.Distributed;

/// <summary>k <c>mlnetgd worker</c> processes on free loopback ports (the first is the primary), stopped with SIGTERM when disposed.</summary>
internal sealed class Workers : IDisposable
{
    private readonly List<(Process Process, int Port, int Gateway)> _workers = [];

    public static Workers Start(int count, string workDirectory)
    {
        var workers = new Workers();
        try
        {
            for (int i = 0; i < count; i++)
                workers.StartOne(i, workDirectory);
            return workers;
        }
        catch
        {
            workers.Dispose();
            throw;
        }
    }

    public IEnumerable<string> Gateways => _workers.Select(w => $"127.0.0.1:{w.Gateway}");

    /// <summary>Resident and peak resident memory of each worker, in MiB (from /proc).</summary>
    public IEnumerable<(double Resident, double Peak)> Memory() => _workers.Select(w =>
    {
        var status = File.ReadAllLines($"/proc/{w.Process.Id}/status");
        double Field(string name) => double.Parse(status.First(l => l.StartsWith(name, StringComparison.Ordinal)).Split(':')[1].Trim().Split(' ')[0]) / 1024;
        return (Field("VmRSS"), Field("VmHWM"));
    });

    private void StartOne(int index, string workDirectory)
    {
        int port = FreePort(), gateway = FreePort();
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (string a in new[] { Path.Combine(AppContext.BaseDirectory, "mlnetgd.dll"), "worker", "--port", $"{port}", "--gateway-port", $"{gateway}",
                     "--work-dir", Path.Combine(workDirectory, $"w{index}") })
            start.ArgumentList.Add(a);
        if (_workers.Count > 0)
        {
            start.ArgumentList.Add("--primary");
            start.ArgumentList.Add($"127.0.0.1:{_workers[0].Port}");
        }
        var process = Process.Start(start)!;
        _ = process.StandardError.ReadToEndAsync();
        _workers.Add((process, port, gateway));
        var ready = Task.Run(() =>
        {
            while (process.StandardOutput.ReadLine() is { } line)
            {
                if (line.Contains("ready.", StringComparison.Ordinal))
                    return true;
            }
            return false;
        });
        if (!ready.Wait(TimeSpan.FromSeconds(120)) || !ready.Result)
            throw new InvalidOperationException($"worker {index} did not start");
        _ = process.StandardOutput.ReadToEndAsync();
    }

    private static int FreePort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        int port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    public void Dispose()
    {
        foreach (var (process, _, _) in _workers)
        {
            if (!process.HasExited)
                Process.Start("kill", ["-TERM", $"{process.Id}"])!.WaitForExit();
        }
        foreach (var (process, _, _) in _workers)
        {
            if (!process.WaitForExit(30_000))
                process.Kill();
            process.Dispose();
        }
    }
}
