package com.valoratbot.worker;

import com.valoratbot.supabase.PostgresQueue;

import java.util.Arrays;
import java.util.Set;
import java.util.TreeSet;

/**
 * The queue's own settings (docs/configuration.md, "Queue and runtime"), read apart from
 * {@link WorkerConfig} so the queue's knobs stay in one place.
 *
 * @param foreignActions  actions another consumer serves from the same table: never claimed here
 * @param maxPayloadBytes a larger payload is refused in SQL ({@code payload_too_large}) without being loaded
 * @param maxAttempts     a command claimed this many times without ending is given up ({@code too_many_attempts})
 */
record QueueConfig(Set<String> foreignActions, int maxPayloadBytes, int maxAttempts) {

    static final Set<String> KEYS = Set.of("VALORATBOT_FOREIGN_ACTIONS", "VALORATBOT_MAX_PAYLOAD", "VALORATBOT_MAX_ATTEMPTS");

    static QueueConfig from(Settings s) {
        Set<String> foreign = new TreeSet<>();
        s.get("VALORATBOT_FOREIGN_ACTIONS").ifPresent(v -> Arrays.stream(v.split(","))
                .map(String::strip).filter(a -> !a.isEmpty()).forEach(foreign::add));
        return new QueueConfig(Set.copyOf(foreign),
                s.integer("VALORATBOT_MAX_PAYLOAD", (int) PostgresQueue.DEFAULT_MAX_PAYLOAD_BYTES, 1024, 64 * 1024 * 1024),
                s.integer("VALORATBOT_MAX_ATTEMPTS", PostgresQueue.DEFAULT_MAX_ATTEMPTS, 1, 1000));
    }

    PostgresQueue.Builder applyTo(PostgresQueue.Builder b) {
        try {
            return b.foreignActions(foreignActions).maxPayloadBytes(maxPayloadBytes).maxAttempts(maxAttempts);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("VALORATBOT_FOREIGN_ACTIONS: " + e.getMessage(), e);
        }
    }
}
