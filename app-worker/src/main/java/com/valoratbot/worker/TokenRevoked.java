package com.valoratbot.worker;

import java.util.concurrent.CompletableFuture;
import net.dv8tion.jda.api.events.GenericEvent;
import net.dv8tion.jda.api.events.session.ShutdownEvent;
import net.dv8tion.jda.api.hooks.EventListener;
import net.dv8tion.jda.api.requests.CloseCode;

/**
 * A session Discord closed with 4004 (authentication failed) while the worker ran: the token was
 * reset or revoked. JDA shuts that session down for good and the process would go on with a dead
 * session, its commands failing one by one ({@code discord_timeout}) and a sharded worker renewing
 * leases of shards it can no longer serve. The daemon stops instead, with {@link RefusedToken}'s
 * line and exit status 2, and its leases are released for a process with the right token.
 */
final class TokenRevoked implements EventListener {

    private final CompletableFuture<Void> revoked = new CompletableFuture<>();

    @Override
    public void onEvent(GenericEvent event) {
        if (event instanceof ShutdownEvent shutdown && shutdown.getCloseCode() == CloseCode.AUTHENTICATION_FAILED)
            revoked.complete(null);
    }

    /** Completes at the first session closed with 4004. */
    CompletableFuture<Void> revoked() {
        return revoked;
    }
}
