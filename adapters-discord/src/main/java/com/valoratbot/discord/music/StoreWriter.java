package com.valoratbot.discord.music;

import com.valoratbot.core.port.music.QueueStore;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes snapshots on one background thread, latest first: a guild changed five times while the database was slow
 * is written once, with its last state. A failed write is retried five seconds later unless newer state arrived.
 */
final class StoreWriter implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(StoreWriter.class);
    private static final long RETRY_SECONDS = 5;

    private final QueueStore store;
    /** Guild → JSON to save, or empty to delete. */
    private final Map<Long, Optional<String>> pending = new ConcurrentHashMap<>();

    private final ScheduledExecutorService thread = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "music-queue-store");
        t.setDaemon(true);
        return t;
    });

    StoreWriter(QueueStore store) {
        this.store = store;
    }

    void save(long guildId, String json) {
        pending.put(guildId, Optional.of(json));
        thread.execute(this::flush);
    }

    void delete(long guildId) {
        pending.put(guildId, Optional.empty());
        thread.execute(this::flush);
    }

    private void flush() {
        for (Long guildId : pending.keySet()) {
            Optional<String> change = pending.remove(guildId);
            if (change == null) continue;
            try {
                if (change.isPresent()) store.save(guildId, change.get());
                else store.delete(guildId);
            } catch (RuntimeException e) {
                LOG.warn("could not store guild {}'s music queue; retrying in {} s", guildId, RETRY_SECONDS, e);
                if (pending.putIfAbsent(guildId, change) == null) {
                    thread.schedule(this::flush, RETRY_SECONDS, TimeUnit.SECONDS);
                }
            }
        }
    }

    /** Writes what is pending (one attempt), then stops the thread. */
    @Override
    public void close() {
        try {
            thread.submit(this::flush).get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            LOG.warn("music queue store did not flush on close", e);
        }
        thread.shutdownNow();
    }
}
