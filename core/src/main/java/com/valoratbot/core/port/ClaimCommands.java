package com.valoratbot.core.port;

import java.util.List;
import java.util.Set;

/**
 * Takes pending commands for this worker, atomically: with any number of workers on one table,
 * each command is claimed once. At most one command per guild is in flight at a time, and a guild's
 * commands are claimed in {@code created_at} order, so a {@code lock} then {@code unlock} never swap.
 */
public interface ClaimCommands {

    /** Marks up to {@code max} commands {@code processing} for this worker and returns them. */
    List<QueuedCommand> claim(int max);

    /** Renews this worker's lease on what it holds; a worker that stops renewing is presumed dead. */
    void heartbeat();

    /** Action names this queue never claims (another consumer serves them from the same table). */
    default Set<String> foreignActions() {
        return Set.of();
    }
}
