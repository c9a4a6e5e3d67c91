package dev.switchboard.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class LedgerConfigTest {
    private final ConfigLoader loader = new ConfigLoader(Map.of("PG_HOST", "db.internal")::get, Set.of("openai", "simulated"));

    private LedgerSettings ledger(String section) {
        return loader.parse("switchboard:\n  ledger:\n" + section.indent(4), "test").ledger();
    }

    private ConfigException error(String section) {
        return (ConfigException) org.assertj.core.api.Assertions.catchThrowable(() -> ledger(section));
    }

    @Test
    void withoutALedgerSectionTheLedgerIsSqliteInTheDataDirectory() {
        LedgerSettings s = loader.parse("model_list: []\n", "test").ledger();
        assertThat(s).isEqualTo(LedgerSettings.defaults());
        assertThat(s.store()).isEqualTo(LedgerSettings.Store.SQLITE);
        assertThat(s.path()).isEqualTo(Path.of("data", "switchboard.db"));
        assertThat(s.queueCapacity()).isEqualTo(65_536);
        assertThat(s.batchSize()).isEqualTo(512);
        assertThat(s.flushInterval()).isEqualTo(Duration.ofMillis(250));
    }

    @Test
    void readsEveryLedgerKey() {
        LedgerSettings s = ledger("""
                store: postgres
                url: jdbc:postgresql://${PG_HOST}:5432/switchboard
                schema: gateway
                path: /var/lib/switchboard/ledger.db
                queue-capacity: 1000
                batch-size: 100
                flush-interval: 2s
                """);
        assertThat(s).isEqualTo(new LedgerSettings(LedgerSettings.Store.POSTGRES, Path.of("/var/lib/switchboard/ledger.db"),
                Optional.of("jdbc:postgresql://db.internal:5432/switchboard"), "gateway", 1000, 100, Duration.ofSeconds(2)));
    }

    @Test
    void theSpillFileIsBesideTheLedgerFileUnlessSet() {
        assertThat(LedgerSettings.defaults().spillPath()).contains(Path.of("data", "ledger-spill.jsonl"));
        assertThat(ledger("path: /var/lib/sb/ledger.db").spillPath()).contains(Path.of("/var/lib/sb/ledger-spill.jsonl"));
        assertThat(ledger("spill-path: /var/spool/sb/spill.jsonl").spillPath()).contains(Path.of("/var/spool/sb/spill.jsonl"));
        assertThat(error("spill-path: \"\"").key()).isEqualTo("switchboard.ledger.spill-path");
    }

    @Test
    void noneTurnsTheLedgerOff() {
        assertThat(ledger("store: none").store()).isEqualTo(LedgerSettings.Store.NONE);
    }

    @Test
    void anUnknownStoreNamesItsKey() {
        assertThat(error("store: mysql").key()).isEqualTo("switchboard.ledger.store");
    }

    @Test
    void postgresWithoutAUrlNamesTheUrlKey() {
        ConfigException e = error("store: postgres");
        assertThat(e.key()).isEqualTo("switchboard.ledger.url");
        assertThat(e).hasMessageContaining("required");
    }

    @Test
    void aUrlThatIsNotPostgresJdbcIsRefused() {
        assertThat(error("store: postgres\nurl: postgres://localhost/x").key()).isEqualTo("switchboard.ledger.url");
    }

    @Test
    void outOfRangeQueueSettingsNameTheirKeys() {
        assertThat(error("queue-capacity: 0").key()).isEqualTo("switchboard.ledger.queue-capacity");
        assertThat(error("batch-size: many").key()).isEqualTo("switchboard.ledger.batch-size");
        assertThat(error("flush-interval: soon").key()).isEqualTo("switchboard.ledger.flush-interval");
        assertThat(error("schema: \"a-b; drop\"").key()).isEqualTo("switchboard.ledger.schema");
    }

    @Test
    void aMisspelledKeyIsRefused() {
        assertThatThrownBy(() -> ledger("batchsize: 10")).isInstanceOf(ConfigException.class)
                .hasMessageContaining("switchboard.ledger.batchsize");
    }
}
