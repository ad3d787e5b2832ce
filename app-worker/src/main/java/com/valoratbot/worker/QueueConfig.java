package com.valoratbot.worker;

import com.valoratbot.library.Valoratbot;
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

    static final Set<String> KEYS =
            Set.of("VALORATBOT_FOREIGN_ACTIONS", "VALORATBOT_MAX_PAYLOAD", "VALORATBOT_MAX_ATTEMPTS");

    /**
     * @throws IllegalArgumentException naming VALORATBOT_FOREIGN_ACTIONS for a name that is not an
     *         action name or that is one of our own actions: called before the database opens, so a
     *         typo stops start-up at once instead of leaving, say, every purge unclaimed until it expires
     */
    static QueueConfig from(Settings s) {
        Set<String> names = new TreeSet<>();
        s.get("VALORATBOT_FOREIGN_ACTIONS")
                .ifPresent(v -> Arrays.stream(v.split(","))
                        .map(QueueConfig::normalised)
                        .filter(a -> !a.isEmpty())
                        .forEach(names::add));
        Set<String> foreign;
        try {
            foreign = Valoratbot.Builder.checkForeignActions(names);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("VALORATBOT_FOREIGN_ACTIONS: " + e.getMessage(), e);
        }
        return new QueueConfig(
                foreign,
                s.integer(
                        "VALORATBOT_MAX_PAYLOAD",
                        (int) PostgresQueue.DEFAULT_MAX_PAYLOAD_BYTES,
                        1024,
                        64 * 1024 * 1024),
                s.integer("VALORATBOT_MAX_ATTEMPTS", PostgresQueue.DEFAULT_MAX_ATTEMPTS, 1, 1000));
    }

    /**
     * Stripped as {@code Action.fromWireName} strips a row's action, and as the queue's SQL filter
     * trims it ({@code QueueSql}), so " ADD_QUEST_PROGRESS " here and in a row name the same action.
     */
    static String normalised(String name) {
        return name.strip();
    }

    /** Every value was checked in {@link #from}: the builder's own checks cannot fail here. */
    Valoratbot.Builder applyTo(Valoratbot.Builder b) {
        return b.foreignActions(foreignActions).maxPayloadBytes(maxPayloadBytes).maxAttempts(maxAttempts);
    }
}
