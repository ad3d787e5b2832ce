package com.valoratbot.core.port;

import java.time.Duration;
import java.util.Optional;

/**
 * A row claimed from the command table, as stored: nothing here is validated yet, since a
 * dashboard may write anything into {@code action} and {@code payload}.
 *
 * @param payloadJson    the {@code payload} column as JSON text, or null (also when the queue refused to load it:
 *                       see {@code admission})
 * @param age            how long ago it was created, by the database's clock (no clock skew between workers)
 * @param admission      what the queue decided about the row before handing it over (cheap checks done in SQL)
 * @param mayHaveStarted for a row taken over from a dead worker: whether its side effects may have begun
 *                       (false only when that worker recorded that it had not started them yet)
 */
public record QueuedCommand(
        String id,
        String guildId,
        String action,
        String payloadJson,
        Optional<String> requestedBy,
        Duration age,
        Admission admission,
        boolean mayHaveStarted) {

    public QueuedCommand(
            String id, String guildId, String action, String payloadJson, Optional<String> requestedBy, Duration age) {
        this(id, guildId, action, payloadJson, requestedBy, age, Admission.RUN, true);
    }

    /** What the queue found about a row when it claimed it. */
    public sealed interface Admission {
        /** Nothing against it: validate and run it. */
        Admission RUN = new Run();

        record Run() implements Admission {}

        /** Its payload is larger than the limit; the payload was not loaded. */
        record PayloadTooLarge(long bytes, long limit) implements Admission {}

        /** This id already ran to an outcome and was set back to pending (a replay by hand). */
        record AlreadyExecuted() implements Admission {}

        /** Claimed this many times without ever ending (its workers died on it): not tried again. */
        record TooManyAttempts(int attempts) implements Admission {}
    }
}
