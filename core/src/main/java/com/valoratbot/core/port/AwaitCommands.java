package com.valoratbot.core.port;

import java.time.Duration;

/**
 * Sleeps until new commands may be pending: a database notification, or at most {@code max}. The
 * timeout is the polling fallback for a lost listener or a pooler that cannot LISTEN.
 */
public interface AwaitCommands {

    void await(Duration max) throws InterruptedException;

    /** Ends a current or the next {@link #await} at once (a guild became free, or shutdown). */
    void wakeUp();
}
