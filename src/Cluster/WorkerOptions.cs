using System.Net;

namespace MlNetGd.Cluster;

/// <summary>How a worker silo joins the cluster: where it listens, which silo is the primary (development clustering), where its
/// cache files go, and TLS. Immutable: change a copy with <c>with</c>.</summary>
public sealed record WorkerOptions
{
    /// <summary>The cluster and service id every worker and client shares.</summary>
    public const string ClusterId = "mlnetgd";

    /// <summary>Gets the silo port (silo-to-silo messages).</summary>
    public int Port { get; init; } = 11111;

    /// <summary>Gets the gateway port (clients such as <c>train --cluster</c> connect here).</summary>
    public int GatewayPort { get; init; } = 30000;

    /// <summary>Gets the address the worker listens on and advertises.</summary>
    /// <value>Default loopback (127.0.0.1): nothing outside this machine can connect.</value>
    public IPAddress Address { get; init; } = IPAddress.Loopback;

    /// <summary>Gets the primary silo's endpoint (the first worker's address and <see cref="Port"/>), or <see langword="null"/>
    /// when this worker is the primary. Development clustering keeps the membership table on the primary.</summary>
    public IPEndPoint? Primary { get; init; }

    /// <summary>Gets where the shards' cache files go.</summary>
    public string WorkDirectory { get; init; } = new WorkerSettings().WorkDirectory;

    /// <summary>Gets the cluster certificate (a .pfx with its private key) for mutual TLS (<see cref="ClusterTls"/>), or
    /// <see langword="null"/> for plain TCP.</summary>
    public string? TlsCertificate { get; init; }

    /// <summary>Checks the options.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A port is out of range, or both ports are the same.</exception>
    public void Validate()
    {
        if (Port is < 1 or > 65535)
            throw new ArgumentOutOfRangeException(nameof(Port), Port, "must be in range [1, 65535].");
        if (GatewayPort is < 1 or > 65535)
            throw new ArgumentOutOfRangeException(nameof(GatewayPort), GatewayPort, "must be in range [1, 65535].");
        if (Port == GatewayPort)
            throw new ArgumentOutOfRangeException(nameof(GatewayPort), GatewayPort, $"must differ from Port ({Port}).");
    }
}
