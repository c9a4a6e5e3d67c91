package dev.switchboard.storage;

import com.zaxxer.hikari.HikariDataSource;
import dev.switchboard.core.ledger.Feedback;
import dev.switchboard.core.ledger.LedgerRecord;
import dev.switchboard.core.ledger.LedgerStats;
import dev.switchboard.core.ledger.LedgerStore;
import dev.switchboard.core.ledger.LedgerStoreUnavailableException;
import dev.switchboard.core.ledger.StatsQuery;
import dev.switchboard.core.model.Usage;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTransientConnectionException;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import org.sqlite.SQLiteErrorCode;
import org.sqlite.SQLiteException;

/**
 * The ledger's SQL, shared by the SQLite and PostgreSQL stores: both speak the same portable subset
 * (plain inserts, one update, {@code GROUP BY} aggregates); only connection setup and the migration
 * scripts differ. Appends run as one transaction per batch.
 */
public abstract sealed class JdbcLedgerStore implements LedgerStore permits SqliteLedgerStore, PostgresLedgerStore {
    private static final String COLUMNS = "time_ms, request_id, parent_request_id, part_index, caller, task_type, "
            + "complexity, tier, model_group, deployment_id, provider, upstream_model, latency_ms, prompt_tokens, "
            + "completion_tokens, cached_prompt_tokens, cache_write_tokens, reasoning_tokens, cost_usd, "
            + "top_tier_cost_usd, price_catalogue, status, fallbacks_used, attempts, quality, router";
    private static final int COLUMN_COUNT = COLUMNS.split(",").length;
    /** The statuses that are no error, as an SQL list (constants, so no quoting to escape). */
    private static final String NOT_FAILURES = LedgerRecord.NOT_FAILURES.stream().sorted().map(s -> "'" + s + "'")
            .collect(java.util.stream.Collectors.joining(", "));

    private final HikariDataSource pool;
    private final String insertSql;
    private final String feedbackSql;
    private final String findSql;
    private final String table;

    /** @param table the ledger table's name as SQL should write it (schema-qualified where needed) */
    JdbcLedgerStore(HikariDataSource pool, String table) {
        this.pool = pool;
        this.table = table;
        this.insertSql = "INSERT INTO " + table + " (" + COLUMNS + ") VALUES (" + "?, ".repeat(COLUMN_COUNT - 1) + "?)";
        this.feedbackSql = "UPDATE " + table + " SET quality = ? WHERE request_id = ? OR (parent_request_id = ? AND status = '"
                + LedgerRecord.OK + "' AND request_id NOT LIKE '%" + LedgerRecord.GRADING_SUFFIX + "')";
        this.findSql = "SELECT " + COLUMNS + " FROM " + table
                + " WHERE request_id = ? OR parent_request_id = ? ORDER BY part_index, id";
        checkWritable();
    }

    /**
     * A read-only database (a file the process may not write, a PostgreSQL standby) opens, migrates when it is up
     * to date and answers statistics, and then every write fails: that must refuse the start, not lose the records.
     * A statement that writes nothing still needs the right to write.
     */
    private void checkWritable() {
        try (Connection c = pool.getConnection(); PreparedStatement ps = c.prepareStatement("DELETE FROM " + table + " WHERE 1 = 0")) {
            c.setAutoCommit(true);
            ps.executeUpdate();
        } catch (SQLException e) {
            pool.close();
            throw new LedgerStoreException("the ledger database cannot be written", e);
        }
    }

    @Override
    public void append(List<LedgerRecord> records) {
        if (records.isEmpty()) return;
        try (Connection c = pool.getConnection()) {
            c.setAutoCommit(false);
            try (PreparedStatement ps = c.prepareStatement(insertSql)) {
                for (LedgerRecord r : records) {
                    bind(ps, r);
                    ps.addBatch();
                }
                ps.executeBatch();
                c.commit();
            } catch (SQLException | RuntimeException e) {
                rollback(c, e);
                throw e;
            }
        } catch (SQLException e) {
            throw failure("could not append " + records.size() + " ledger records", e);
        }
    }

    @Override
    public int attachFeedback(String requestId, Feedback feedback) {
        try (Connection c = pool.getConnection(); PreparedStatement ps = c.prepareStatement(feedbackSql)) {
            c.setAutoCommit(true);
            ps.setDouble(1, feedback.score());
            ps.setString(2, storable(requestId));
            ps.setString(3, storable(requestId));
            return ps.executeUpdate();
        } catch (SQLException e) {
            throw failure("could not attach feedback to request " + requestId, e);
        }
    }

    @Override
    public List<LedgerRecord> find(String requestId) {
        try (Connection c = pool.getConnection(); PreparedStatement ps = c.prepareStatement(findSql)) {
            c.setAutoCommit(true);
            ps.setString(1, storable(requestId));
            ps.setString(2, storable(requestId));
            List<LedgerRecord> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) out.add(read(rs));
            }
            return out;
        } catch (SQLException e) {
            throw failure("could not read ledger records of request " + requestId, e);
        }
    }

    @Override
    public LedgerStats stats(StatsQuery query) {
        List<Object> args = new ArrayList<>();
        StringBuilder where = new StringBuilder(" WHERE 1 = 1");
        query.from().ifPresent(t -> { where.append(" AND time_ms >= ?"); args.add(t.toEpochMilli()); });
        query.to().ifPresent(t -> { where.append(" AND time_ms < ?"); args.add(t.toEpochMilli()); });
        query.caller().ifPresent(id -> { where.append(" AND caller = ?"); args.add(storable(id)); });
        query.requestId().ifPresent(id -> {
            where.append(" AND (request_id = ? OR parent_request_id = ?)");
            args.add(storable(id));
            args.add(storable(id));
        });
        String totals = "SELECT COUNT(*), COALESCE(SUM(CASE WHEN status NOT IN (" + NOT_FAILURES + ") THEN 1 ELSE 0 END), 0), "
                + "COALESCE(SUM(cost_usd), 0), COALESCE(SUM(top_tier_cost_usd), 0), AVG(quality), COUNT(quality) FROM "
                + table + where;
        try (Connection c = pool.getConnection()) {
            // One read transaction, so the totals and the breakdowns see the same rows.
            c.setAutoCommit(false);
            try {
                long calls;
                long errors;
                double cost;
                double topTier;
                OptionalDouble quality;
                long rated;
                try (PreparedStatement ps = prepare(c, totals, args); ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    calls = rs.getLong(1);
                    errors = rs.getLong(2);
                    cost = rs.getDouble(3);
                    topTier = rs.getDouble(4);
                    double q = rs.getDouble(5);
                    quality = rs.wasNull() ? OptionalDouble.empty() : OptionalDouble.of(q);
                    rated = rs.getLong(6);
                }
                Map<Integer, Long> byTier = new HashMap<>();
                groupCounts(c, "tier", where, args, rs -> byTier.put(rs.getInt(1), rs.getLong(2)));
                Map<String, Long> byModel = new HashMap<>();
                groupCounts(c, "model_group", where, args, rs -> byModel.put(rs.getString(1), rs.getLong(2)));
                Map<String, Long> byType = new HashMap<>();
                groupCounts(c, "task_type", where, args, rs -> byType.put(rs.getString(1), rs.getLong(2)));
                Map<String, Long> byStatus = new HashMap<>();
                groupCounts(c, "status", where, args, rs -> byStatus.put(rs.getString(1), rs.getLong(2)));
                c.commit();
                return new LedgerStats(calls, errors, cost, topTier, quality, rated, byTier, byModel, byType, byStatus);
            } catch (SQLException | RuntimeException e) {
                rollback(c, e);
                throw e;
            }
        } catch (SQLException e) {
            throw failure("could not compute ledger statistics", e);
        }
    }

    @Override
    public void close() {
        pool.close();
    }

    /** A lost connection fails its rollback too: the first failure, which says why, is the one reported. */
    private static void rollback(Connection c, Exception failure) {
        try {
            c.rollback();
        } catch (SQLException e) {
            failure.addSuppressed(e);
        }
    }

    private interface RowConsumer {
        void accept(ResultSet rs) throws SQLException;
    }

    private void groupCounts(Connection c, String column, CharSequence where, List<Object> args, RowConsumer row)
            throws SQLException {
        String sql = "SELECT " + column + ", COUNT(*) FROM " + table + where + " AND " + column + " IS NOT NULL GROUP BY " + column;
        try (PreparedStatement ps = prepare(c, sql, args); ResultSet rs = ps.executeQuery()) {
            while (rs.next()) row.accept(rs);
        }
    }

    private static PreparedStatement prepare(Connection c, String sql, List<Object> args) throws SQLException {
        PreparedStatement ps = c.prepareStatement(sql);
        for (int i = 0; i < args.size(); i++) ps.setObject(i + 1, args.get(i));
        return ps;
    }

    /**
     * A connection that failed or could not be had (the database is down, unreachable or locked) makes the store
     * unavailable, which the ledger rides out; anything else is about the statement or its data.
     */
    private static RuntimeException failure(String what, SQLException e) {
        if (unavailable(e)) return new LedgerStoreUnavailableException(what + ": " + e.getMessage(), e);
        return new LedgerStoreException(what, e);
    }

    private static boolean unavailable(SQLException e) {
        // A batch's failure comes wrapped (BatchUpdateException): its chained and causing exceptions say why.
        for (Throwable t = e; t != null; t = t.getCause()) {
            for (SQLException s = t instanceof SQLException sql ? sql : null; s != null; s = s.getNextException()) {
                if (connectionLost(s)) return true;
                if (s.getNextException() == s) break;
            }
            if (t.getCause() == t) break;
        }
        return false;
    }

    private static boolean connectionLost(SQLException e) {
        if (e instanceof SQLTransientConnectionException || e instanceof SQLRecoverableException
                || e instanceof SQLNonTransientConnectionException) {
            return true;
        }
        if (e instanceof SQLiteException s) {
            SQLiteErrorCode code = s.getResultCode();
            return code != null && switch (code.code & 0xff) {
                case 5, 6, 8, 10, 13, 14 -> true; // BUSY, LOCKED, READONLY, IOERR, FULL, CANTOPEN
                default -> false;
            };
        }
        String state = e.getSQLState();
        // 08: connection exception; 57P: the server is shutting down or restarting; 53: out of resources.
        return state != null && (state.startsWith("08") || state.startsWith("57P") || state.startsWith("53"));
    }

    /**
     * PostgreSQL's text cannot hold NUL, and one such value (a client's model name, say) would fail the whole batch
     * and lose every other record in it: it is stored as U+FFFD instead, in both stores so they answer alike.
     */
    private static String storable(String s) {
        return s == null || s.indexOf('\0') < 0 ? s : s.replace('\0', '\uFFFD');
    }

    private static void bind(PreparedStatement ps, LedgerRecord r) throws SQLException {
        int i = 0;
        ps.setLong(++i, r.time().toEpochMilli());
        ps.setString(++i, storable(r.requestId()));
        ps.setString(++i, storable(r.parentRequestId().orElse(null)));
        ps.setInt(++i, r.partIndex());
        ps.setString(++i, storable(r.caller()));
        ps.setString(++i, storable(r.taskType().orElse(null)));
        if (r.complexity().isPresent()) ps.setDouble(++i, r.complexity().getAsDouble());
        else ps.setNull(++i, Types.DOUBLE);
        if (r.tier().isPresent()) ps.setInt(++i, r.tier().getAsInt());
        else ps.setNull(++i, Types.INTEGER);
        ps.setString(++i, storable(r.modelGroup()));
        ps.setString(++i, storable(r.deploymentId()));
        ps.setString(++i, storable(r.provider()));
        ps.setString(++i, storable(r.upstreamModel()));
        ps.setLong(++i, r.latencyMs());
        Usage u = r.usage();
        ps.setInt(++i, u.promptTokens());
        ps.setInt(++i, u.completionTokens());
        ps.setInt(++i, u.cachedPromptTokens());
        ps.setInt(++i, u.cacheWriteTokens());
        ps.setInt(++i, u.reasoningTokens());
        ps.setDouble(++i, r.costUsd());
        ps.setDouble(++i, r.topTierCostUsd());
        ps.setString(++i, storable(r.priceCatalogue()));
        ps.setString(++i, storable(r.status()));
        ps.setInt(++i, r.fallbacksUsed());
        ps.setInt(++i, r.attempts());
        if (r.quality().isPresent()) ps.setDouble(++i, r.quality().getAsDouble());
        else ps.setNull(++i, Types.DOUBLE);
        ps.setString(++i, storable(r.router()));
    }

    private static LedgerRecord read(ResultSet rs) throws SQLException {
        int i = 0;
        Instant time = Instant.ofEpochMilli(rs.getLong(++i));
        String requestId = rs.getString(++i);
        Optional<String> parent = Optional.ofNullable(rs.getString(++i));
        int part = rs.getInt(++i);
        String caller = rs.getString(++i);
        Optional<String> taskType = Optional.ofNullable(rs.getString(++i));
        double complexity = rs.getDouble(++i);
        OptionalDouble complexityOpt = rs.wasNull() ? OptionalDouble.empty() : OptionalDouble.of(complexity);
        int tier = rs.getInt(++i);
        OptionalInt tierOpt = rs.wasNull() ? OptionalInt.empty() : OptionalInt.of(tier);
        String modelGroup = rs.getString(++i);
        String deploymentId = rs.getString(++i);
        String provider = rs.getString(++i);
        String upstreamModel = rs.getString(++i);
        long latency = rs.getLong(++i);
        Usage usage = new Usage(rs.getInt(++i), rs.getInt(++i), rs.getInt(++i), rs.getInt(++i), rs.getInt(++i));
        double cost = rs.getDouble(++i);
        double topTier = rs.getDouble(++i);
        String catalogue = rs.getString(++i);
        String status = rs.getString(++i);
        int fallbacks = rs.getInt(++i);
        int attempts = rs.getInt(++i);
        double quality = rs.getDouble(++i);
        OptionalDouble qualityOpt = rs.wasNull() ? OptionalDouble.empty() : OptionalDouble.of(quality);
        String router = rs.getString(++i);
        return new LedgerRecord(time, requestId, parent, part, caller, taskType, complexityOpt, tierOpt, modelGroup,
                deploymentId, provider, upstreamModel, latency, usage, cost, topTier, catalogue, status, fallbacks,
                attempts, qualityOpt, router);
    }
}
