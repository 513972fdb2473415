using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.Configuration;

namespace MlNetGd.Cluster;

/// <summary>A client connected to the workers' gateways: what <see cref="DistributedGradientDescent"/> runs on. Dispose it to disconnect.</summary>
public sealed class ClusterConnection : IAsyncDisposable
{
    private readonly IHost _host;

    private ClusterConnection(IHost host) => _host = host;

    /// <summary>Gets the client.</summary>
    public IClusterClient Client => _host.Services.GetRequiredService<IClusterClient>();

    /// <summary>Connects to the cluster through <paramref name="gateways"/>.</summary>
    /// <param name="gateways">The workers' gateway endpoints.</param>
    /// <param name="timeout">How long to try.</param>
    /// <param name="tlsCertificate">The cluster certificate (see <see cref="ClusterTls"/>), or <see langword="null"/>.</param>
    /// <exception cref="IOException">No gateway answered within <paramref name="timeout"/>; the message names them.</exception>
    public static async Task<ClusterConnection> ConnectAsync(IReadOnlyList<IPEndPoint> gateways, TimeSpan timeout, string? tlsCertificate = null)
    {
        ArgumentNullException.ThrowIfNull(gateways);
        var certificate = tlsCertificate is null ? null : ClusterTls.Load(tlsCertificate);
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders().AddSimpleConsole(o => o.SingleLine = true).SetMinimumLevel(LogLevel.Error);
        builder.UseOrleansClient(client =>
        {
            client.Configure<ClusterOptions>(o => (o.ClusterId, o.ServiceId) = (WorkerOptions.ClusterId, WorkerOptions.ClusterId));
            client.UseStaticClustering(gateways.ToArray());
            // A worker's epoch or first read can take long; a dead worker is noticed by the fit's pings, not by this timeout.
            client.Configure<ClientMessagingOptions>(o => o.ResponseTimeout = TimeSpan.FromHours(1));
            if (certificate is not null)
                client.UseTls(o => ClusterTls.Configure(o, certificate));
        });
        var host = builder.Build();
        try
        {
            await host.StartAsync().WaitAsync(timeout);
            return new ClusterConnection(host);
        }
        catch (Exception e) when (e is TimeoutException or OrleansException or System.Net.Sockets.SocketException or Orleans.Runtime.Messaging.ConnectionFailedException)
        {
            host.Dispose();
            throw new IOException(
                $"Could not connect to the cluster through {string.Join(", ", gateways)} within {timeout.TotalSeconds:0} s ({e.Message}). Are the workers running (mlnetgd worker --port P --gateway-port G)?", e);
        }
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        try
        {
            await _host.StopAsync(TimeSpan.FromSeconds(5));
        }
        finally
        {
            _host.Dispose();
        }
    }
}
