package com.valoratbot.supabase.scheduling;

/** A database call of the scheduling package failed; the worker's command handler reports it as internal_error. */
public final class SchedulingDatabaseException extends RuntimeException {

    SchedulingDatabaseException(String what, Throwable cause) {
        super(what + ": " + cause.getMessage(), cause);
    }
}
