using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.Configuration;
using Orleans.Hosting;

namespace MlNetGd.Cluster;

/// <summary>Builds and runs a worker: an Orleans silo with development (primary-silo) clustering that hosts shard grains, listening only
/// on the address it is given.</summary>
public static class WorkerHost
{
    /// <summary>Adds what a silo needs to host shards: the placement on the shard's worker and the work directory.</summary>
    public static ISiloBuilder AddShards(this ISiloBuilder builder, WorkerSettings settings)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(settings);
        builder.Services.AddSingleton(settings);
        builder.AddPlacementDirector<ShardPlacement, ShardPlacementDirector>();
        return builder;
    }

    /// <summary>Builds the worker's host (not started).</summary>
    /// <exception cref="ArgumentException">An option is invalid, or the TLS certificate cannot be loaded.</exception>
    public static IHost Build(WorkerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        var certificate = options.TlsCertificate is null ? null : ClusterTls.Load(options.TlsCertificate);
        RemoveOrphans(options.WorkDirectory);
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders().AddSimpleConsole(o => o.SingleLine = true).SetMinimumLevel(LogLevel.Warning);
        builder.Logging.AddFilter("Orleans", LogLevel.Error); // its warnings (server GC, slow timers on a busy machine) are not the user's to act on
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(20));
        builder.UseOrleans(silo =>
        {
            silo.Configure<ClusterOptions>(o => (o.ClusterId, o.ServiceId) = (WorkerOptions.ClusterId, WorkerOptions.ClusterId));
            silo.Configure<EndpointOptions>(o =>
            {
                o.AdvertisedIPAddress = options.Address;
                o.SiloPort = options.Port;
                o.GatewayPort = options.GatewayPort;
                o.SiloListeningEndpoint = new IPEndPoint(options.Address, options.Port);
                o.GatewayListeningEndpoint = new IPEndPoint(options.Address, options.GatewayPort);
            });
            silo.UseDevelopmentClustering(options.Primary ?? new IPEndPoint(options.Address, options.Port));
            silo.AddShards(new WorkerSettings { WorkDirectory = options.WorkDirectory });
            if (certificate is not null)
                silo.UseTls(o => ClusterTls.Configure(o, certificate));
        });
        return builder.Build();
    }

    /// <summary>Deletes the cache files (and their unfinished temporaries) that workers killed outright left in
    /// <paramref name="workDirectory"/>: each file's name carries its worker's process id, and a file whose process is gone is orphaned.
    /// Only files named exactly as a worker names them are touched (<see cref="ShardKey.CacheFileOwner"/>), never a user's file.</summary>
    public static int RemoveOrphans(string workDirectory)
    {
        if (!Directory.Exists(workDirectory))
            return 0;
        int removed = 0;
        foreach (string path in Directory.EnumerateFiles(workDirectory))
        {
            if (ShardKey.CacheFileOwner(Path.GetFileName(path)) is not int pid || Alive(pid))
                continue;
            File.Delete(path);
            removed++;
        }
        return removed;
    }

    private static bool Alive(int pid)
    {
        try
        {
            using var process = System.Diagnostics.Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }
}
