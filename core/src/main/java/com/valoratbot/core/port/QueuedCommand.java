package com.valoratbot.core.port;

import java.time.Duration;
import java.util.Optional;

/**
 * A row claimed from the command table, as stored: nothing here is validated yet, since a
 * dashboard may write anything into {@code action} and {@code payload}.
 *
 * @param payloadJson the {@code payload} column as JSON text, or null
 * @param age         how long ago it was created, by the database's clock (no clock skew between workers)
 */
public record QueuedCommand(String id, String guildId, String action, String payloadJson,
                            Optional<String> requestedBy, Duration age) {}
