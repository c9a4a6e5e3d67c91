package dev.switchboard.storage;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.util.Optional;

/**
 * The shared ledger store for several replicas: a PostgreSQL schema (created by the migrations when
 * missing), reached through a HikariCP pool. Credentials go in the JDBC URL ({@code ?user=...&password=...},
 * which the config can fill from the environment with {@code ${NAME}}).
 */
public final class PostgresLedgerStore extends JdbcLedgerStore {
    /** The ledger's writer, feedback updates and statistics reads of one replica. */
    static final int POOL_SIZE = 4;
    /** How long a caller waits for a connection before the store counts as unavailable. */
    static final long CONNECTION_TIMEOUT_MILLIS = 5_000;

    /**
     * @param jdbcUrl e.g. {@code jdbc:postgresql://127.0.0.1:5432/switchboard?user=switchboard}
     * @param schema the schema holding the ledger tables: a plain SQL identifier
     */
    public PostgresLedgerStore(String jdbcUrl, String schema) {
        super(open(jdbcUrl, checked(schema)), "\"" + schema + "\".ledger");
    }

    private static String checked(String schema) {
        if (!schema.matches("[A-Za-z_][A-Za-z0-9_]{0,62}")) {
            throw new IllegalArgumentException("schema must be a plain SQL identifier (was '" + schema + "')");
        }
        return schema;
    }

    private static HikariDataSource open(String jdbcUrl, String schema) {
        HikariConfig pool = new HikariConfig();
        pool.setJdbcUrl(jdbcUrl);
        pool.setDriverClassName("org.postgresql.Driver");
        pool.setPoolName("switchboard-ledger-postgres");
        pool.setMaximumPoolSize(POOL_SIZE);
        pool.setMinimumIdle(1);
        // A database that is down or unreachable is found out in seconds, not Hikari's 30 s or the kernel's 15 minutes
        // of retransmissions: the ledger's writer then keeps its batch for later, and a statistics read answers 503.
        // The URL's own connectTimeout / socketTimeout win over these.
        pool.setConnectionTimeout(CONNECTION_TIMEOUT_MILLIS);
        pool.addDataSourceProperty("connectTimeout", "5");
        pool.addDataSourceProperty("socketTimeout", "60");
        // Lets the driver send a batch of inserts as multi-row statements: several times faster appends.
        pool.addDataSourceProperty("reWriteBatchedInserts", "true");
        HikariDataSource dataSource = new HikariDataSource(pool);
        try {
            LedgerMigrations.migrate(dataSource, "postgresql", Optional.of(schema));
        } catch (RuntimeException e) {
            dataSource.close();
            throw e;
        }
        return dataSource;
    }
}
