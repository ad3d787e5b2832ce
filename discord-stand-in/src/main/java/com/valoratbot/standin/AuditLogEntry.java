package com.valoratbot.standin;

import java.time.Instant;

/**
 * A moderation action the bot took, with the {@code X-Audit-Log-Reason} it gave (null without one).
 * {@code action} uses Discord's audit-log event names, e.g. {@code MESSAGE_BULK_DELETE}.
 */
public record AuditLogEntry(long guildId, String action, long targetId, String reason, Instant at) {}
