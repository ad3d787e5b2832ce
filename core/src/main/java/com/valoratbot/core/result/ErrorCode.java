package com.valoratbot.core.result;

import java.util.Locale;

/**
 * The stable, machine-readable {@code result.code} of a failed command. Programs branch on these,
 * so a code is never renamed; the human {@code reason} next to it may change freely.
 */
public enum ErrorCode {
    /** The payload does not match the action's contract; the reason names the field. */
    INVALID_PAYLOAD,
    UNKNOWN_ACTION,
    /** This deployment has no adapter for the action (e.g. music without a voice module). */
    NOT_AVAILABLE,
    /** Pending longer than the maximum age: the dashboard stopped waiting long ago. */
    EXPIRED,
    /** Its worker died mid-run and running it again could repeat a side effect. */
    INTERRUPTED,
    /** The payload is larger than the queue's limit; refused without being read. */
    PAYLOAD_TOO_LARGE,
    /** This command id already ran to an outcome and was set back to pending: it is not run twice. */
    ALREADY_EXECUTED,
    /** Claimed again and again without ever ending (its worker kept dying on it): given up. */
    TOO_MANY_ATTEMPTS,
    GUILD_NOT_FOUND,
    CHANNEL_NOT_FOUND,
    /** The bot lacks a Discord permission the action needs. */
    MISSING_PERMISSIONS,
    /** The member who asked lacks the permission the action needs. */
    FORBIDDEN,
    RATE_LIMITED,
    /** Discord refused or failed (5xx after retries, timeout). */
    DISCORD_ERROR,
    NOT_FOUND,
    NO_MATCHES,
    LOAD_FAILED,
    BUSY,
    NOTHING_PLAYING,
    VOICE_UNAVAILABLE,
    /** An embedder's custom action did not finish within its time limit; its effect may still land. */
    TIMED_OUT,
    /** A per-guild limit the operator set was reached (e.g. pending scheduled announcements). */
    LIMIT_REACHED,
    /** A bug or an infrastructure failure while running the command; details are in the log. */
    INTERNAL_ERROR;

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
