package com.valoratbot.core.port;

/**
 * Records durably that a command's side effects begin now, before its first Discord call. A dead
 * worker's command without this mark never reached Discord, so it is run again whatever its
 * action; one with it may have, so a non-idempotent one ends {@code interrupted}.
 */
@FunctionalInterface
public interface MarkStarted {

    /**
     * @return false when this worker no longer holds the command (taken over after its lease ran
     *         out, or requeued at shutdown): do not start it. The mark and a takeover or requeue
     *         serialize, so a true answer means nobody else will run the command.
     */
    boolean started(String commandId);

    /** For runtimes that record nothing: every taken-over command counts as possibly started. */
    MarkStarted NONE = commandId -> true;
}
