package io.tailkeep.deploy.access;

import io.grpc.ServerCredentials;
import io.grpc.TlsServerCredentials;
import io.grpc.util.AdvancedTlsX509KeyManager;
import io.grpc.util.AdvancedTlsX509TrustManager;
import io.grpc.util.CertificateUtils;
import io.vertx.core.http.ClientAuth;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.net.KeyCertOptions;
import io.vertx.core.net.TrustOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * TLS on the three ports ({@code server.tls.*}): one certificate and key (PEM) for all of them,
 * and optionally a CA whose client certificates the ingest ports (4317, 4318) require.
 *
 * <p>The key and certificate live in one key manager (and the CA in one trust manager) that every
 * port's TLS uses at each handshake; they read the files again when they change, so a renewed
 * certificate is served without a restart and without touching the servers. A file that breaks
 * later keeps the material read last (gRPC's reloader logs why).
 */
public final class ServerTls implements AutoCloseable {

  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(ServerTls.class);

  private final AdvancedTlsX509KeyManager keys;
  private final AdvancedTlsX509TrustManager clientCas;
  private final ScheduledExecutorService reloader;

  private ServerTls(
      AdvancedTlsX509KeyManager keys,
      AdvancedTlsX509TrustManager clientCas,
      ScheduledExecutorService reloader) {
    this.keys = keys;
    this.clientCas = clientCas;
    this.reloader = reloader;
  }

  /**
   * Reads the files now (a missing or unreadable one fails here, naming it) and looks at them
   * again every {@code checkInterval}.
   */
  public static ServerTls load(
      Path certFile, Path keyFile, Optional<Path> clientCaFile, Duration checkInterval)
      throws IOException {
    Objects.requireNonNull(certFile, "certFile");
    Objects.requireNonNull(keyFile, "keyFile");
    for (Path file : clientCaFile.isPresent()
        ? List.of(certFile, keyFile, clientCaFile.get())
        : List.of(certFile, keyFile)) {
      if (!Files.isRegularFile(file)) {
        throw new IOException("TLS file " + file + " does not exist");
      }
    }
    ScheduledExecutorService reloader = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread thread = new Thread(r, "tailkeep-tls-files");
      thread.setDaemon(true);
      return thread;
    });
    long millis = Math.max(1, checkInterval.toMillis());
    ServerTls tls = null;
    try {
      AdvancedTlsX509KeyManager keys = new AdvancedTlsX509KeyManager();
      AdvancedTlsX509TrustManager cas = null;
      try {
        updateIdentity(keys, certFile.toFile(), keyFile.toFile());
      } catch (GeneralSecurityException | IOException | RuntimeException e) {
        throw new IOException("TLS certificate " + certFile + " and key " + keyFile
            + " cannot be used: " + e.getMessage(), e);
      }
      if (clientCaFile.isPresent()) {
        try {
          cas = AdvancedTlsX509TrustManager.newBuilder()
              .setVerification(AdvancedTlsX509TrustManager.Verification.CERTIFICATE_ONLY_VERIFICATION)
              .build();
          cas.updateTrustCredentials(clientCaFile.get().toFile());
        } catch (GeneralSecurityException | IOException | RuntimeException e) {
          throw new IOException("TLS client CA file " + clientCaFile.get() + " cannot be used: "
              + e.getMessage(), e);
        }
      }
      tls = new ServerTls(keys, cas, reloader);
      FileWatch identity = new FileWatch(List.of(certFile, keyFile),
          files -> updateIdentity(keys, files.get(0), files.get(1)));
      reloader.scheduleWithFixedDelay(identity::reloadIfChanged, millis, millis, TimeUnit.MILLISECONDS);
      if (cas != null) {
        AdvancedTlsX509TrustManager trust = cas;
        FileWatch clientCa =
            new FileWatch(List.of(clientCaFile.get()), files -> trust.updateTrustCredentials(files.get(0)));
        reloader.scheduleWithFixedDelay(clientCa::reloadIfChanged, millis, millis, TimeUnit.MILLISECONDS);
      }
      return tls;
    } finally {
      if (tls == null) {
        reloader.shutdownNow();
      }
    }
  }

  /**
   * Takes a certificate and key only if they belong together: a renewal writes two files, and a
   * look between the writes must not serve a new key with an old certificate.
   */
  private static void updateIdentity(AdvancedTlsX509KeyManager keys, java.io.File certFile, java.io.File keyFile)
      throws IOException, GeneralSecurityException {
    java.security.cert.X509Certificate[] chain;
    java.security.PrivateKey key;
    try (var certs = new java.io.FileInputStream(certFile); var keyIn = new java.io.FileInputStream(keyFile)) {
      chain = CertificateUtils.getX509Certificates(certs);
      key = CertificateUtils.getPrivateKey(keyIn);
    }
    if (chain.length == 0) {
      throw new GeneralSecurityException("no certificate in " + certFile);
    }
    byte[] probe = "tailkeep".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    String algorithm = key.getAlgorithm().equals("EC") ? "SHA256withECDSA" : "SHA256with" + key.getAlgorithm();
    java.security.Signature signer = java.security.Signature.getInstance(algorithm);
    signer.initSign(key);
    signer.update(probe);
    byte[] signature = signer.sign();
    java.security.Signature verifier = java.security.Signature.getInstance(algorithm);
    verifier.initVerify(chain[0].getPublicKey());
    verifier.update(probe);
    if (!verifier.verify(signature)) {
      throw new GeneralSecurityException("the key in " + keyFile + " is not the certificate's in " + certFile);
    }
    keys.updateIdentityCredentials(chain, key);
  }

  /** Whether the ingest ports require client certificates. */
  public boolean requiresClientCertificates() {
    return clientCas != null;
  }

  /** OTLP/gRPC: TLS, with client certificates from the CA when one is set. */
  public ServerCredentials grpc() {
    TlsServerCredentials.Builder credentials = TlsServerCredentials.newBuilder().keyManager(keys);
    if (clientCas != null) {
      credentials.trustManager(clientCas).clientAuth(TlsServerCredentials.ClientAuth.REQUIRE);
    }
    return credentials.build();
  }

  /** OTLP/HTTP: {@code base} with TLS, and client certificates from the CA when one is set. */
  public HttpServerOptions ingestHttp(HttpServerOptions base) {
    HttpServerOptions options = api(base);
    if (clientCas != null) {
      options.setTrustOptions(TrustOptions.wrap(clientCas)).setClientAuth(ClientAuth.REQUIRED);
    }
    return options;
  }

  /** The API port: {@code base} with TLS; browsers and Grafana carry no client certificate. */
  public HttpServerOptions api(HttpServerOptions base) {
    return new HttpServerOptions(base).setSsl(true).setKeyCertOptions(KeyCertOptions.wrap(keys));
  }

  @Override
  public void close() {
    reloader.shutdownNow();
  }

  /** Reading some files into a manager. */
  private interface Update {
    void apply(List<java.io.File> files) throws IOException, GeneralSecurityException;
  }

  /**
   * Applies the files again when their content changed; a change that cannot be used keeps what
   * was read last and is logged once (a renewal writes two files, so the first look may see one).
   */
  private static final class FileWatch {
    private final List<Path> files;
    private final Update update;
    private byte[] applied;
    private byte[] refused;

    FileWatch(List<Path> files, Update update) throws IOException {
      this.files = files;
      this.update = update;
      this.applied = digest(files);
    }

    void reloadIfChanged() {
      try {
        byte[] now = digest(files);
        if (java.util.Arrays.equals(now, applied)) {
          return;
        }
        try {
          update.apply(files.stream().map(Path::toFile).toList());
          applied = now;
          refused = null;
          LOG.info("TLS files {} reloaded", files);
        } catch (GeneralSecurityException | IOException | RuntimeException e) {
          if (!java.util.Arrays.equals(now, refused)) {
            refused = now;
            LOG.warn("TLS files {} changed but cannot be used, keeping the ones read before: {}",
                files, e.getMessage());
          }
        }
      } catch (IOException e) {
        if (refused == null || refused.length != 0) {
          refused = new byte[0];
          LOG.warn("TLS files {} cannot be read, keeping the ones read before: {}", files, e.getMessage());
        }
      }
    }

    private static byte[] digest(List<Path> files) throws IOException {
      try {
        java.security.MessageDigest sha = java.security.MessageDigest.getInstance("SHA-256");
        for (Path file : files) {
          sha.update(Files.readAllBytes(file));
        }
        return sha.digest();
      } catch (java.security.NoSuchAlgorithmException e) {
        throw new IllegalStateException(e);
      }
    }
  }
}
