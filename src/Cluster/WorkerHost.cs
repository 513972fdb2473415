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
}
