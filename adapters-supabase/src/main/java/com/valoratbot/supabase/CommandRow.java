package com.valoratbot.supabase;

import java.time.Instant;
import java.util.Optional;

/**
 * One row of the command table, as stored.
 *
 * @param payloadJson the {@code payload} column as JSON text, or null
 * @param resultJson  the {@code result} column as JSON text, or null while unfinished
 * @param updatedAt   {@code updated_at}, or {@code picked_at} on tables that have that instead
 */
public record CommandRow(
        String id,
        String guildId,
        String action,
        String payloadJson,
        String status,
        String resultJson,
        Optional<String> requestedBy,
        Optional<Instant> createdAt,
        Optional<Instant> updatedAt) {

    /** {@code done} or {@code error}. */
    public boolean finished() {
        return "done".equals(status) || "error".equals(status);
    }
}
