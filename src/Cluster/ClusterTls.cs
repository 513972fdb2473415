using System.Security.Cryptography.X509Certificates;
using Orleans.Connections.Security;

namespace MlNetGd.Cluster;

/// <summary>Mutual TLS with one pinned cluster certificate: every worker and the coordinator present the same certificate (a PKCS#12
/// file with its private key), and each side accepts a peer only if it presents that very certificate. Without it, anyone who can
/// reach a port can join the cluster or call its grains.</summary>
public static class ClusterTls
{
    /// <summary>The environment variable that holds the certificate file's password, if it has one.</summary>
    public const string PasswordVariable = "MLNETGD_TLS_PASSWORD";

    /// <summary>Loads the cluster certificate.</summary>
    /// <exception cref="ArgumentException">The file is missing, not a PKCS#12 certificate, or has no private key; the message names it.</exception>
    public static X509Certificate2 Load(string path)
    {
        if (!File.Exists(path))
            throw new ArgumentException($"The TLS certificate file '{path}' does not exist.", nameof(path));
        X509Certificate2 certificate;
        try
        {
            certificate = X509CertificateLoader.LoadPkcs12FromFile(path, Environment.GetEnvironmentVariable(PasswordVariable));
        }
        catch (System.Security.Cryptography.CryptographicException e)
        {
            throw new ArgumentException($"The TLS certificate file '{path}' is not a PKCS#12 (.pfx) certificate readable with the password in {PasswordVariable} ({e.Message}).", nameof(path), e);
        }
        return certificate.HasPrivateKey ? certificate
            : throw new ArgumentException($"The TLS certificate file '{path}' has no private key; a .pfx with its key is needed.", nameof(path));
    }

    /// <summary>Sets <paramref name="options"/> to present <paramref name="certificate"/>, require the peer's, and accept only that same certificate.</summary>
    public static void Configure(TlsOptions options, X509Certificate2 certificate)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(certificate);
        options.LocalCertificate = certificate;
        options.RemoteCertificateMode = RemoteCertificateMode.RequireCertificate;
        options.ClientCertificateMode = RemoteCertificateMode.RequireCertificate;
        options.RemoteCertificateValidation = (remote, _, _) => remote.Thumbprint == certificate.Thumbprint;
    }
}
