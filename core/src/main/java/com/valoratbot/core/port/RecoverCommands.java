package com.valoratbot.core.port;

import java.util.List;

/** Finds commands left {@code processing} by a worker whose lease ran out (it died or lost the database). */
public interface RecoverCommands {

    /** Takes over the abandoned commands for this worker; the caller then requeues or fails each. */
    List<QueuedCommand> takeOverAbandoned();

    /**
     * Back to {@code pending}, keeping {@code created_at} so the guild's order holds; except those
     * whose start was recorded ({@link MarkStarted}) meanwhile, perhaps by a thread still running
     * at shutdown: they may have reached Discord, so they stay held and are returned, for the caller
     * to end {@code interrupted}. A start mark and a requeue serialize: a mark that comes after the
     * requeue fails, so that thread never calls Discord.
     *
     * @return the ids left held because they started
     */
    List<String> requeue(List<String> commandIds);

    /**
     * {@link #requeue} for commands this worker claimed but never handed to a thread (claim-ahead's
     * buffer given back, shutdown): the claim did not count as an attempt, so a busy worker giving
     * the same command back again and again never ends it {@code too_many_attempts} unrun. A store
     * that counts attempts gives this one back; the default just requeues.
     */
    default List<String> handBack(List<String> commandIds) {
        return requeue(commandIds);
    }
}
