package io.tailkeep.store.testing;

import static org.assertj.core.api.Assertions.assertThat;

import com.datastax.oss.driver.api.core.CqlSession;
import org.junit.jupiter.api.Test;

class TestCassandraTest {

  @Test
  void sharedNodeIsStartedOnceAndAnswersQueries() {
    CassandraEndpoint endpoint = TestCassandra.shared();

    assertThat(TestCassandra.shared()).isSameAs(endpoint);
    try (CqlSession session = CqlSession.builder()
        .addContactPoint(endpoint.contactPoint())
        .withLocalDatacenter(endpoint.localDatacenter())
        .build()) {
      assertThat(session.execute("SELECT release_version FROM system.local").one().getString(0))
          .startsWith("5.0");
    }
  }
}
