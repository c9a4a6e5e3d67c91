package dev.switchboard.core.ledger;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jdk8.Jdk8Module;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * A local file for the records the ledger could not write before shutting down because its store was unavailable
 * (PostgreSQL down at SIGTERM): one JSON record per line. The next start writes them to the store before taking
 * requests and deletes the file, so a database outage across a restart loses nothing.
 *
 * <p>Several gateways may share one spill file: each appends under a file lock, and a start claims the whole file by
 * renaming it, so two starts never replay the same records.
 */
public final class LedgerSpill {
    private static final Logger LOG = Logger.getLogger(LedgerSpill.class.getName());
    private static final ObjectMapper JSON = JsonMapper.builder()
            .addModule(new Jdk8Module())
            .addModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .build();
    private static final ObjectReader RECORD = JSON.readerFor(LedgerRecord.class);

    private final Path file;

    public LedgerSpill(Path file) {
        this.file = Objects.requireNonNull(file);
    }

    public Path file() {
        return file;
    }

    /** Appends the records to the file (created with its directory), synced to disk before returning. */
    public void save(List<LedgerRecord> records) throws IOException {
        if (records.isEmpty()) return;
        Path dir = file.toAbsolutePath().getParent();
        if (dir != null) Files.createDirectories(dir);
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.APPEND);
                FileLock ignored = channel.lock()) {
            OutputStream out = Channels.newOutputStream(channel);
            for (LedgerRecord r : records) {
                out.write(JSON.writeValueAsBytes(r));
                out.write('\n');
            }
            out.flush();
            channel.force(true);
        }
    }

    /**
     * Writes the spilled records to {@code store} in one transaction and deletes the file. A store that refuses them
     * leaves them in the file for the next start. A line that is not a record (a write cut by a crash) is skipped and
     * counted in the log.
     *
     * @return how many records were written (0 when there was no file)
     */
    public int replayInto(LedgerStore store) {
        Path claimed = file.resolveSibling(file.getFileName() + "." + ProcessHandle.current().pid() + ".replaying");
        try {
            try {
                Files.move(file, claimed, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(file, claimed);
            }
        } catch (NoSuchFileException e) {
            return 0;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot claim the ledger spill file " + file.toAbsolutePath(), e);
        }
        List<LedgerRecord> records = new ArrayList<>();
        int unreadable = 0;
        try (BufferedReader in = Files.newBufferedReader(claimed, StandardCharsets.UTF_8)) {
            for (String line; (line = in.readLine()) != null; ) {
                if (line.isBlank()) continue;
                try {
                    records.add(RECORD.readValue(line));
                } catch (IOException e) {
                    unreadable++;
                }
            }
        } catch (IOException e) {
            putBack(claimed);
            throw new UncheckedIOException("cannot read the ledger spill file " + claimed.toAbsolutePath(), e);
        }
        try {
            if (!records.isEmpty()) store.append(records);
        } catch (RuntimeException e) {
            putBack(claimed);
            throw e;
        }
        try {
            Files.delete(claimed);
        } catch (IOException e) {
            LOG.log(Level.WARNING, "could not delete " + claimed.toAbsolutePath() + " after writing its records; delete it, "
                    + "or they are written again at the next start", e);
        }
        if (unreadable > 0) {
            int n = unreadable;
            LOG.warning(() -> n + " lines of the ledger spill file were not records and were skipped");
        }
        return records.size();
    }

    /** Gives a claimed file back, appended to any spill written meanwhile. */
    private void putBack(Path claimed) {
        try {
            if (Files.exists(file)) {
                Files.write(file, Files.readAllBytes(claimed), StandardOpenOption.APPEND);
                Files.delete(claimed);
            } else {
                Files.move(claimed, file);
            }
        } catch (IOException e) {
            LOG.log(Level.SEVERE, "could not put the ledger spill file back; its records are in " + claimed.toAbsolutePath(), e);
        }
    }
}
