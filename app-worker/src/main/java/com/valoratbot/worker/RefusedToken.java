package com.valoratbot.worker;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Optional;

/**
 * Discord refused {@code DISCORD_TOKEN}: the worker stops at start with this one line (never the
 * token itself) and a non-zero exit. Without it, a sharded worker went on running with a shard
 * manager JDA had shut down ("The token has been invalidated"), holding no shard and saying so
 * only in a stack trace; an unsharded one said "The provided token is invalid!" without naming the
 * setting to fix.
 */
final class RefusedToken extends IllegalArgumentException {

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(RefusedToken.class);
    private static final String DISCORD_REST = "https://discord.com/api/v10/";

    RefusedToken() {
        super("Discord refused DISCORD_TOKEN (401 Unauthorized): it is not a bot token, or it was reset. Copy the"
                + " bot's current token from the Discord Developer Portal (your application, Bot, Reset Token)"
                + " into DISCORD_TOKEN.");
    }

    /** The token was refused while the worker ran (a gateway session closed with 4004). */
    static RefusedToken whileRunning() {
        return new RefusedToken(
                "Discord refused DISCORD_TOKEN while the worker ran (gateway close code 4004): the token was reset"
                        + " or revoked, and the worker stopped. Copy the bot's current token from the Discord"
                        + " Developer Portal (your application, Bot, Reset Token) into DISCORD_TOKEN.");
    }

    private RefusedToken(String message) {
        super(message);
    }

    /**
     * Asks Discord who the token is ({@code GET /users/@me}, one request) before a sharded worker
     * opens its database: JDA's shard manager checks the token only when a shard first connects,
     * and then shuts itself down in silence. Only a 401 stops the start; an unreachable Discord is
     * left to the sessions, which wait and retry as they do for an outage.
     */
    static void check(Optional<String> restBaseUrl, String token) {
        String base = restBaseUrl.orElse(DISCORD_REST);
        if (!base.endsWith("/")) base += "/";
        String bare = token.strip();
        if (bare.startsWith("Bot ")) bare = bare.substring(4).strip();
        try (HttpClient http =
                HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build()) {
            HttpResponse<Void> r = http.send(
                    HttpRequest.newBuilder(URI.create(base + "users/@me"))
                            .timeout(Duration.ofSeconds(10))
                            .header("Authorization", "Bot " + bare)
                            .GET()
                            .build(),
                    HttpResponse.BodyHandlers.discarding());
            if (r.statusCode() == 401) throw new RefusedToken();
        } catch (IOException | IllegalArgumentException e) {
            if (e instanceof RefusedToken refused) throw refused;
            LOG.warn("Could not check DISCORD_TOKEN with Discord at start ({}); the sessions will say", e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while checking DISCORD_TOKEN", e);
        }
    }

    /** Whether JDA refused the token ({@code InvalidTokenException} anywhere in the causes). */
    static boolean causedBy(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause())
            if (t instanceof net.dv8tion.jda.api.exceptions.InvalidTokenException) return true;
        return false;
    }
}
