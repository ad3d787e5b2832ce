package com.valoratbot.core.port;

import java.util.List;

/** Finds commands left {@code processing} by a worker whose lease ran out (it died or lost the database). */
public interface RecoverCommands {

    /** Takes over the abandoned commands for this worker; the caller then requeues or fails each. */
    List<QueuedCommand> takeOverAbandoned();

    /** Back to {@code pending}, keeping {@code created_at} so the guild's order holds. */
    void requeue(List<String> commandIds);
}
