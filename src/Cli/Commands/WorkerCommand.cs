using System.CommandLine;
using System.Net;
using Microsoft.Extensions.Hosting;
using MlNetGd.Cluster;

namespace MlNetGd.Cli.Commands;

/// <summary><c>mlnetgd worker</c>: run an Orleans silo that joins the training cluster and serves shards until SIGTERM or SIGINT.</summary>
internal static class WorkerCommand
{
    public static Command Create()
    {
        var port = Port("--port", "The silo port (worker-to-worker messages); the first worker's is the others' --primary.", 11111);
        var gateway = Port("--gateway-port", "The gateway port ('train --cluster HOST:GATEWAY' connects here).", 30000);
        var primary = new Option<string?>("--primary")
        {
            HelpName = "HOST:PORT",
            Description = "The first worker's address and --port, which holds the cluster's membership (development clustering). [default: this worker is the first]",
        }.Check(text => text is null ? null : Problem(() => ClusterEndpoints.Parse(text, "--primary")));
        var address = new Option<string>("--address")
        {
            HelpName = "IP",
            Description = "The address to listen on and advertise. Anyone who reaches it can join the cluster and run code on its shards: keep loopback, or use --tls-certificate and a firewall.",
            DefaultValueFactory = _ => "127.0.0.1",
        }.Check(text => IPAddress.TryParse(text, out _) ? null : $"--address '{text}' is not an IP address (e.g. 127.0.0.1 or 10.0.0.5).");
        var workDir = new Option<string?>("--work-dir") { HelpName = "DIR", Description = "Where the shards' cache files go. [default: a directory under the temporary directory, per --port]" };
        var tls = ClusterOptions.TlsCertificateOption();
        var command = new Command("worker", "Run a training worker: an Orleans silo that reads its shards once into cache files and runs the local epochs of 'train --cluster'. Stops cleanly on Ctrl+C or SIGTERM.");
        command.Add(port);
        command.Add(gateway);
        command.Add(primary);
        command.Add(address);
        command.Add(workDir);
        command.Add(tls);
        // The work directory is never replaced as a whole (only its own cache files come and go), so it is compared as a path written here.
        command.AddSamenessRule(new(workDir.Name, result => result.GetValue(workDir), PathRules.Role.OutputFile),
            new(tls.Name, result => result.GetValue(tls), PathRules.Role.Input));
        command.SetAction(parse => CliRunner.Guard(parse, (stdout, stderr) =>
        {
            var options = new WorkerOptions
            {
                Port = parse.GetValue(port),
                GatewayPort = parse.GetValue(gateway),
                Primary = parse.GetValue(primary) is { } p ? ClusterEndpoints.Parse(p, "--primary") : null,
                Address = IPAddress.Parse(parse.GetValue(address)!),
                WorkDirectory = parse.GetValue(workDir) ?? Path.Combine(Path.GetTempPath(), $"mlnetgd-worker-{parse.GetValue(port)}"),
                TlsCertificate = parse.GetValue(tls),
            };
            if (options.Port == options.GatewayPort)
                throw new ArgumentException($"--port and --gateway-port are both {options.Port}; give two different ports.");
            if (File.Exists(options.WorkDirectory))
                throw new IOException($"--work-dir '{options.WorkDirectory}' is a file; give a directory (it is created if missing).");
            Directory.CreateDirectory(options.WorkDirectory); // an unwritable place fails here, not at the first shard
            using var host = WorkerHost.Build(options);
            try
            {
                host.StartAsync().GetAwaiter().GetResult();
            }
            catch (Exception e) when (e is System.Net.Sockets.SocketException or OrleansException or OperationCanceledException or TimeoutException)
            {
                throw new IOException($"The worker could not start on {options.Address}:{options.Port} (gateway {options.GatewayPort}): {e.Message}" +
                    (options.Primary is null ? "" : $" Is the first worker running at {options.Primary}?"), e);
            }
            stdout.WriteLine($"mlnetgd worker: silo {options.Address}:{options.Port}, gateway {options.Address}:{options.GatewayPort}, " +
                $"{(options.Primary is null ? "first worker (primary)" : $"primary {options.Primary}")}, work dir {options.WorkDirectory}" +
                $"{(options.TlsCertificate is null ? "" : ", TLS")}; ready. Ctrl+C or SIGTERM stops it.");
            stdout.Flush();
            using (StopNotice.Instead(signal => $"mlnetgd worker: {signal}: leaving the cluster (the shards' cache files go with it)."))
                host.WaitForShutdownAsync().GetAwaiter().GetResult();
            stdout.WriteLine("mlnetgd worker: left the cluster.");
            return CliRunner.Ok;
        }));
        return command;
    }

    private static Option<int> Port(string name, string description, int defaultValue) =>
        new Option<int>(name) { HelpName = "PORT", Description = description, DefaultValueFactory = _ => defaultValue }
            .Allow(p => p is >= 1 and <= 65535, "must be a port in range [1, 65535]");

    internal static string? Problem(Action check)
    {
        try
        {
            check();
            return null;
        }
        catch (ArgumentException e)
        {
            return e.Message;
        }
    }
}
