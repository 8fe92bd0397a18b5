package io.tailkeep.store.cassandra;

import java.nio.file.Path;
import java.util.Optional;

/**
 * TLS to Cassandra. Without a trust store the JVM's default trust store decides; a key store is
 * only needed when the cluster asks for client certificates.
 *
 * @param truststore JKS or PKCS#12 file with the certificates to trust
 * @param keystore JKS or PKCS#12 file with this client's certificate and key
 * @param hostnameValidation check that a node's certificate names the host connected to
 */
public record CassandraTls(
    Optional<Path> truststore,
    Optional<String> truststorePassword,
    Optional<Path> keystore,
    Optional<String> keystorePassword,
    boolean hostnameValidation) {

  public CassandraTls {
    if (truststorePassword.isPresent() && truststore.isEmpty()) {
      throw new IllegalArgumentException("a trust store password needs a trust store");
    }
    if (keystorePassword.isPresent() && keystore.isEmpty()) {
      throw new IllegalArgumentException("a key store password needs a key store");
    }
  }

  /** Every setting but the passwords, which show only whether they are set. */
  @Override
  public String toString() {
    return "CassandraTls[truststore=" + truststore
        + ", truststorePassword=" + (truststorePassword.isPresent() ? "(set)" : "(none)")
        + ", keystore=" + keystore
        + ", keystorePassword=" + (keystorePassword.isPresent() ? "(set)" : "(none)")
        + ", hostnameValidation=" + hostnameValidation + "]";
  }

  /** TLS with the JVM's trust store and hostname validation. */
  public static CassandraTls withDefaultTrust() {
    return new CassandraTls(Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), true);
  }
}
