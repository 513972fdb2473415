using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using MlNetGd.Cluster;

namespace MlNetGd.Tests.Cluster;

/// <summary>Mutual TLS with one pinned cluster certificate: a client holding it works with a worker; a client without it, or with
/// another certificate, cannot connect.</summary>
[TestClass]
public sealed class ClusterTlsTests
{
    [TestMethod]
    [Timeout(TestClusters.TestTimeout)]
    public async Task OnlyAClientHoldingTheClusterCertificateReachesAWorker()
    {
        using var data = ClusterData.Write(oneHot: false, shards: 1, rowsPerShard: 50, testRows: 1);
        string certificate = Certificate(data.Directory, "cluster.pfx");
        string stranger = Certificate(data.Directory, "stranger.pfx");
        var ports = WorkerProcess.FreePorts(2);
        using var worker = WorkerHost.Build(new WorkerOptions
        {
            Port = ports[0], GatewayPort = ports[1], WorkDirectory = Path.Combine(data.Directory, "work"), TlsCertificate = certificate,
        });
        await worker.StartAsync();
        try
        {
            var gateway = new[] { new IPEndPoint(IPAddress.Loopback, ports[1]) };
            await using (var trusted = await ClusterConnection.ConnectAsync(gateway, TimeSpan.FromSeconds(30), certificate))
            {
                var lines = await DistributedGradientDescent.SampleLinesAsync(trusted.Client, data.Shards, ClusterData.Options(), 10, ',');
                Assert.AreEqual(11, lines[0].Length, "the header and 10 sampled lines, over TLS");
            }
            await Assert.ThrowsExactlyAsync<IOException>(() => ClusterConnection.ConnectAsync(gateway, TimeSpan.FromSeconds(5)), "plain TCP is refused");
            await Assert.ThrowsExactlyAsync<IOException>(() => ClusterConnection.ConnectAsync(gateway, TimeSpan.FromSeconds(5), stranger), "another certificate is refused");
        }
        finally
        {
            await worker.StopAsync();
        }
    }

    [TestMethod]
    public void ACertificateFileThatIsMissingOrNotPkcs12IsAClearError()
    {
        using var data = ClusterData.Write(oneHot: false, shards: 1, rowsPerShard: 5, testRows: 1);
        var missing = Assert.ThrowsExactly<ArgumentException>(() => ClusterTls.Load(Path.Combine(data.Directory, "none.pfx")));
        StringAssert.Contains(missing.Message, "none.pfx");
        var wrong = Assert.ThrowsExactly<ArgumentException>(() => ClusterTls.Load(data.Shards[0]));
        StringAssert.Contains(wrong.Message, "PKCS#12");
    }

    // A self-signed certificate with its private key, for server and client authentication.
    private static string Certificate(string directory, string name)
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest($"CN={name}", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1"), new Oid("1.3.6.1.5.5.7.3.2")], critical: false));
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
        string path = Path.Combine(directory, name);
        File.WriteAllBytes(path, certificate.Export(X509ContentType.Pfx));
        return path;
    }
}
