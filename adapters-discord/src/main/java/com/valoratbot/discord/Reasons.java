package com.valoratbot.discord;

import com.valoratbot.core.port.CommandContext;

/** The audit-log reason of everything the dashboard does, so a server's staff can tell who asked. */
final class Reasons {

    /** Discord's limit on {@code X-Audit-Log-Reason}. */
    static final int MAX = 512;

    private Reasons() {}

    static String of(CommandContext context, String action) {
        String who = context.requestedBy().map(id -> "user " + id).orElse("dashboard");
        String reason = "Dashboard " + action + " by " + who + " (command " + context.commandId() + ")";
        return reason.length() <= MAX ? reason : reason.substring(0, MAX);
    }
}
