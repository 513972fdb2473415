using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace MlNetGd.Tests.Cluster;

/// <summary>A real <c>mlnetgd worker</c> process on loopback ports, started from the tool built beside the tests; killed when disposed,
/// and at the latest when the test run ends (<see cref="KillAll"/>), so a test that timed out leaves no worker serving.</summary>
internal sealed class WorkerProcess : IDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(90);
    private static readonly List<Process> Running = [];
    private readonly Process _process;
    private Task<string>? _output;
    private Task<string>? _errors;

    private WorkerProcess(Process process, int port, int gatewayPort)
    {
        _process = process;
        Port = port;
        GatewayPort = gatewayPort;
    }

    public int Port { get; }

    public int GatewayPort { get; }

    public string Endpoint => $"127.0.0.1:{Port}";

    public string Gateway => $"127.0.0.1:{GatewayPort}";

    /// <summary>Starts a worker and waits (bounded) until it says it is ready.</summary>
    public static WorkerProcess Start(int port, int gatewayPort, int? primaryPort, string workDirectory)
    {
        string tool = Path.Combine(AppContext.BaseDirectory, "mlnetgd.dll");
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (string argument in new[] { tool, "worker", "--port", $"{port}", "--gateway-port", $"{gatewayPort}", "--work-dir", workDirectory })
            start.ArgumentList.Add(argument);
        if (primaryPort is int primary)
        {
            start.ArgumentList.Add("--primary");
            start.ArgumentList.Add($"127.0.0.1:{primary}");
        }
        var process = Process.Start(start) ?? throw new InvalidOperationException("dotnet did not start.");
        lock (Running)
            Running.Add(process);
        var worker = new WorkerProcess(process, port, gatewayPort);
        var errors = worker._errors = process.StandardError.ReadToEndAsync();
        var ready = Task.Run(() =>
        {
            while (process.StandardOutput.ReadLine() is { } line)
            {
                if (line.Contains("ready.", StringComparison.Ordinal))
                    return true;
            }
            return false;
        });
        if (!ready.Wait(StartTimeout) || !ready.Result)
        {
            worker.Dispose();
            throw new InvalidOperationException($"The worker on port {port} did not get ready within {StartTimeout}: {(errors.Wait(TimeSpan.FromSeconds(5)) ? errors.Result : "")}");
        }
        worker._output = process.StandardOutput.ReadToEndAsync(); // keep draining, so the worker never blocks on a full pipe
        return worker;
    }

    /// <summary>Sends SIGTERM and waits (bounded) for the worker to leave: its exit code and what it wrote after it was ready.</summary>
    public (int Code, string Output, string Error) Terminate()
    {
        if (Kill(_process.Id, 15) != 0)
            throw new InvalidOperationException($"kill({_process.Id}, SIGTERM) failed.");
        if (!_process.WaitForExit(60_000))
            throw new TimeoutException("The worker did not stop within 60 s of SIGTERM.");
        return (_process.ExitCode, _output!.Result, _errors!.Result);
    }

    [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int Kill(int pid, int signal);

    /// <summary>Ends the process at once (SIGKILL): no chance to leave the cluster cleanly.</summary>
    public void Kill()
    {
        if (!_process.HasExited)
            _process.Kill();
        _process.WaitForExit(30_000);
    }

    /// <summary>Free loopback ports (the OS's choice, released before returning; distinct from each other), outside the ranges where
    /// TestingHost picks its silo and gateway ports (22300-30000, 40000-50000), so an in-process cluster started meanwhile does not take one.</summary>
    public static int[] FreePorts(int count)
    {
        var held = new List<TcpListener>();
        try
        {
            var ports = new List<int>();
            for (int attempt = 0; ports.Count < count; attempt++)
            {
                if (attempt == 1000)
                    throw new InvalidOperationException($"No {count} free loopback ports outside TestingHost's ranges after {attempt} tries.");
                var listener = new TcpListener(IPAddress.Loopback, 0);
                listener.Start();
                held.Add(listener);
                int port = ((IPEndPoint)listener.LocalEndpoint).Port;
                if (port is not (>= 22300 and <= 30010 or >= 40000 and <= 50010))
                    ports.Add(port);
            }
            return [.. ports];
        }
        finally
        {
            foreach (var listener in held)
                listener.Stop();
        }
    }

    public void Dispose()
    {
        Kill();
        lock (Running)
            Running.Remove(_process);
        _process.Dispose();
    }

    /// <summary>Kills every worker this test run started and has not disposed (a test abandoned at its timeout); returns how many.</summary>
    public static int KillAll()
    {
        Process[] left;
        lock (Running)
        {
            left = [.. Running];
            Running.Clear();
        }
        foreach (var process in left)
        {
            if (!process.HasExited)
                process.Kill();
            process.WaitForExit(30_000);
        }
        return left.Length;
    }
}
