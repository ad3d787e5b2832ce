package com.valoratbot.discord;

import com.valoratbot.core.command.Snowflake;
import com.valoratbot.core.port.CommandContext;
import com.valoratbot.core.result.ErrorCode;
import com.valoratbot.core.result.Failure;
import com.valoratbot.core.result.Result;
import com.valoratbot.core.result.Text;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import java.util.function.Supplier;
import net.dv8tion.jda.api.JDA;
import net.dv8tion.jda.api.entities.Guild;
import net.dv8tion.jda.api.entities.channel.middleman.GuildChannel;
import net.dv8tion.jda.api.exceptions.ErrorResponseException;
import net.dv8tion.jda.api.exceptions.InsufficientPermissionException;
import net.dv8tion.jda.api.exceptions.PermissionException;
import net.dv8tion.jda.api.exceptions.RateLimitedException;
import net.dv8tion.jda.api.requests.ErrorResponse;
import net.dv8tion.jda.api.requests.RestAction;
import net.dv8tion.jda.api.utils.data.DataObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What every port shares: the JDA instance (absent before {@code start} and after {@code close}),
 * the per-command deadline, waiting out a gateway reconnect, and turning whatever Discord or JDA
 * throws into a {@link Failure}. Ports call {@link #run} (or {@link #answer}) and never let an exception out.
 *
 * <p>Public only because the music package ({@code com.valoratbot.discord.music}) runs its commands through it
 * as well; embedders have no use for it.
 */
public final class Connection {

    private static final Logger LOG = LoggerFactory.getLogger(Connection.class);
    private static final long POLL_MILLIS = 20;

    private final Duration commandTimeout;
    private final DiscordRest rest;
    private volatile JDA jda;

    /** @param restBaseUrl Discord's REST base the session was pointed at (null: Discord's), for {@link #send} */
    Connection(Duration commandTimeout, URI restBaseUrl) {
        this.commandTimeout = commandTimeout;
        this.rest = new DiscordRest(restBaseUrl);
    }

    /** A connection over a JDA its caller built and owns (music on an embedder's JDA); never detached. */
    public static Connection over(JDA jda, Duration commandTimeout) {
        Connection connection = new Connection(Objects.requireNonNull(commandTimeout, "commandTimeout"), null);
        connection.attach(Objects.requireNonNull(jda, "jda"));
        return connection;
    }

    void attach(JDA jda) {
        this.jda = jda;
    }

    JDA detach() {
        JDA was = jda;
        jda = null;
        return was;
    }

    JDA jda() {
        return jda;
    }

    /** When the command that starts now must be done, Discord calls and reconnect waits included. */
    Deadline deadline() {
        return new Deadline(System.nanoTime() + commandTimeout.toNanos());
    }

    public record Deadline(long atNanos) {
        public long remainingMillis() {
            return Math.max(0, TimeUnit.NANOSECONDS.toMillis(atNanos - System.nanoTime()));
        }

        boolean passed() {
            return System.nanoTime() - atNanos >= 0;
        }

        /** The same moment on the wall clock, for JDA's {@code RestAction#deadline}. */
        long epochMillis() {
            return System.currentTimeMillis() + remainingMillis();
        }
    }

    /**
     * Runs an action once JDA is connected, within the command's deadline. Any failure, expected
     * or not, comes back as a {@link Result.Err}.
     */
    <T> Result<T> run(CommandContext context, String what, Function<Deadline, T> action) {
        return answer(context, what, deadline -> Result.ok(action.apply(deadline)));
    }

    /** Like {@link #run} for an action that answers with a {@code Result} itself: its expected refusals are values. */
    public <T> Result<T> answer(CommandContext context, String what, Function<Deadline, Result<T>> action) {
        return guarded(context, what, true, action);
    }

    /**
     * The deadline and the failure mapping without waiting for the gateway: for an action on this process's own
     * state (a guild's music player paused, skipped, listed) that needs no Discord session to answer.
     */
    public <T> Result<T> answerLocally(CommandContext context, String what, Function<Deadline, Result<T>> action) {
        return guarded(context, what, false, action);
    }

    private <T> Result<T> guarded(
            CommandContext context, String what, boolean awaitGateway, Function<Deadline, Result<T>> action) {
        Deadline deadline = deadline();
        try {
            if (awaitGateway && awaitConnected(deadline) == null)
                return Result.err(ErrorCode.GUILD_NOT_FOUND, "guild_not_found");
            return action.apply(deadline);
        } catch (DiscordFailure f) {
            return Result.err(f.failure());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Result.err(ErrorCode.DISCORD_ERROR, "discord_timeout");
        } catch (RuntimeException e) {
            Failure failure = failureOf(e, null);
            if (failure.code() == ErrorCode.INTERNAL_ERROR) {
                LOG.error("{} for command {} failed unexpectedly", what, context.commandId(), e);
            }
            return Result.err(failure);
        }
    }

    /**
     * Waits until JDA's gateway session is {@code CONNECTED} (a resume or reconnect in progress ends
     * well within seconds). Null when there is no JDA at all: not started, or closed. A session shut
     * down while still attached (a fenced shard cut under its in-flight commands) says nothing about
     * the guild: that is the retryable {@code discord_timeout}, never {@code guild_not_found}.
     */
    private JDA awaitConnected(Deadline deadline) throws InterruptedException {
        while (true) {
            JDA current = jda;
            if (current == null) return null;
            JDA.Status status = current.getStatus();
            if (status == JDA.Status.CONNECTED) return current;
            if (status == JDA.Status.SHUTDOWN || status == JDA.Status.SHUTTING_DOWN) {
                LOG.warn("Discord session shut down (status {}) under a command", status);
                throw DiscordFailure.of(ErrorCode.DISCORD_ERROR, "discord_timeout");
            }
            if (status == JDA.Status.FAILED_TO_LOGIN) return null;
            if (deadline.passed()) {
                LOG.warn("Discord gateway not connected (status {}) within the command timeout", status);
                throw DiscordFailure.of(ErrorCode.DISCORD_ERROR, "discord_timeout");
            }
            Thread.sleep(Math.min(POLL_MILLIS, Math.max(1, deadline.remainingMillis())));
        }
    }

    /**
     * Whether the bot is certainly not in the guild: the session is {@code CONNECTED} (its guild
     * cache complete) and the guild is neither cached nor announced unavailable. False when unsure
     * (no session, reconnecting, Discord's outage for the guild): the command then runs, and
     * {@link #awaitConnected} and {@link #guild} wait or answer {@code discord_timeout}.
     */
    boolean certainlyAbsent(Snowflake guildId) {
        JDA current = jda;
        return current != null
                && current.getStatus() == JDA.Status.CONNECTED
                && current.getGuildById(guildId.value()) == null
                && !current.isUnavailable(guildId.value());
    }

    /**
     * Every guild the session holds, cached or announced unavailable, when it is sure of them all: the
     * session was {@code CONNECTED} before and after the look, on the same JDA. The queue's claim
     * answers rows of guilds outside this set in SQL ({@link #certainlyAbsent}'s rule, for a whole
     * flood at once); empty when unsure, and nothing is answered that way.
     */
    java.util.Optional<Set<Snowflake>> heldGuilds() {
        JDA current = jda;
        if (current == null || current.getStatus() != JDA.Status.CONNECTED) return java.util.Optional.empty();
        Set<Snowflake> held = new java.util.HashSet<>();
        current.getGuildCache().forEach(g -> held.add(Snowflake.of(g.getIdLong())));
        for (String id : current.getUnavailableGuilds()) Snowflake.parse(id).ifPresent(held::add);
        if (current != jda || current.getStatus() != JDA.Status.CONNECTED) return java.util.Optional.empty();
        return java.util.Optional.of(held);
    }

    /** The guild, when the bot is in it and it is available. */
    public Guild guild(Snowflake guildId) {
        JDA current = jda;
        if (current == null) throw DiscordFailure.of(ErrorCode.GUILD_NOT_FOUND, "guild_not_found");
        Guild guild = current.getGuildById(guildId.value());
        if (guild == null) {
            if (current.isUnavailable(guildId.value())) {
                // Discord's outage for that guild, not a wrong id: worth retrying later.
                throw DiscordFailure.of(ErrorCode.DISCORD_ERROR, "discord_timeout");
            }
            throw DiscordFailure.of(ErrorCode.GUILD_NOT_FOUND, "guild_not_found");
        }
        return guild;
    }

    /** A channel of that guild only: an id of another guild's channel is "not found" here. */
    public GuildChannel channel(Guild guild, Snowflake channelId) {
        GuildChannel channel = guild.getGuildChannelById(channelId.value());
        if (channel == null)
            throw DiscordFailure.of(ErrorCode.CHANNEL_NOT_FOUND, "channel_not_found", channelId.toString());
        return channel;
    }

    /** A channel of the guild that must be a {@code type} (slowmode's text channel, purge's message channel); another kind is {@code channel_wrong_type}. */
    <C extends GuildChannel> C channel(Snowflake guildId, Snowflake channelId, Class<C> type, String kindKey) {
        GuildChannel found = channel(guild(guildId), channelId);
        if (!type.isInstance(found)) throw DiscordFailure.wrongType(found, kindKey);
        return type.cast(found);
    }

    /**
     * Executes a request and waits for it, at most until the deadline. JDA's own rate limiter and
     * 5xx retries run inside this wait; whatever is still failing after them is mapped.
     *
     * @param scope the channel the request acts on, named in a permission failure; null for the guild
     */
    <T> T await(RestAction<T> action, Deadline deadline, GuildChannel scope) {
        return await(action, deadline, scope, Set.of());
    }

    /** Like {@link #await}, but Discord's {@code ignored} answers (say, "already gone") mean null, not failure. */
    <T> T await(RestAction<T> action, Deadline deadline, GuildChannel scope, Set<ErrorResponse> ignored) {
        CompletableFuture<T> future;
        try {
            future = action.deadline(deadline.epochMillis()).submit();
        } catch (RuntimeException refusedBeforeSending) {
            // JDA's own checks (missing permission in its cache) throw before any request is made.
            throw new DiscordFailure(failureOf(refusedBeforeSending, scope));
        }
        try {
            return future.get(deadline.remainingMillis() + 50, TimeUnit.MILLISECONDS);
        } catch (TimeoutException late) {
            future.cancel(false);
            throw DiscordFailure.of(ErrorCode.DISCORD_ERROR, "discord_timeout");
        } catch (InterruptedException e) {
            future.cancel(false);
            Thread.currentThread().interrupt();
            throw DiscordFailure.of(ErrorCode.DISCORD_ERROR, "discord_timeout");
        } catch (ExecutionException e) {
            if (e.getCause() instanceof ErrorResponseException r && ignored.contains(r.getErrorResponse())) return null;
            throw new DiscordFailure(failureOf(e.getCause(), scope));
        } catch (CancellationException e) {
            throw DiscordFailure.of(ErrorCode.DISCORD_ERROR, "discord_timeout");
        }
    }

    /**
     * Sends a request JDA's public API cannot make ({@link DiscordRest}) on the channel's session and
     * waits for it, at most until the deadline, its failures mapped as {@link #await} maps JDA's:
     * Discord's {@code ignored} answers mean null, like there.
     *
     * @return Discord's JSON answer, null when it has none
     */
    DataObject send(DiscordRest.Request request, Deadline deadline, GuildChannel channel, Set<ErrorResponse> ignored) {
        try {
            return rest.send(channel.getJDA(), request, deadline);
        } catch (ErrorResponseException e) {
            if (ignored.contains(e.getErrorResponse())) return null;
            throw new DiscordFailure(failureOf(e, channel));
        } catch (DiscordFailure f) {
            throw f;
        } catch (RuntimeException e) {
            throw new DiscordFailure(failureOf(e, channel));
        }
    }

    /** Like {@link #await} for an action built lazily, so JDA's pre-checks are mapped as well. */
    <T> T await(Supplier<RestAction<T>> action, Deadline deadline, GuildChannel scope) {
        RestAction<T> built;
        try {
            built = action.get();
        } catch (RuntimeException refused) {
            throw new DiscordFailure(failureOf(refused, scope));
        }
        return await(built, deadline, scope);
    }

    public static Text where(GuildChannel scope) {
        return scope == null ? Text.of("where.guild") : Text.of("where.channel", scope.getName());
    }

    /** Everything JDA or Discord can answer, as the contract's codes. */
    public static Failure failureOf(Throwable t, GuildChannel scope) {
        return switch (t) {
            case DiscordFailure f -> f.failure();
            case ErrorResponseException e -> fromDiscord(e, scope);
            case InsufficientPermissionException e ->
                Failure.of(
                        ErrorCode.MISSING_PERMISSIONS,
                        "missing_permissions",
                        e.getPermission().getName(),
                        where(scope));
            case PermissionException e ->
                Failure.of(ErrorCode.MISSING_PERMISSIONS, "missing_permissions_discord", where(scope));
            case TimeoutException e -> Failure.of(ErrorCode.DISCORD_ERROR, "discord_timeout");
            case RateLimitedException e -> Failure.of(ErrorCode.DISCORD_ERROR, "discord_timeout");
            case CancellationException e -> Failure.of(ErrorCode.DISCORD_ERROR, "discord_timeout");
            case IOException e -> network(e);
            case UncheckedIOException e -> network(e);
            case ExecutionException e when e.getCause() != null -> failureOf(e.getCause(), scope);
            case java.util.concurrent.CompletionException e when e.getCause() != null -> failureOf(e.getCause(), scope);
            case null -> new Failure(ErrorCode.INTERNAL_ERROR, Text.of("internal_error"), Map.of());
            default -> {
                LOG.error("Unexpected failure from JDA", t);
                yield new Failure(ErrorCode.INTERNAL_ERROR, Text.of("internal_error"), Map.of());
            }
        };
    }

    private static Failure network(Exception e) {
        LOG.warn("Discord unreachable: {}", e.toString());
        return Failure.of(ErrorCode.DISCORD_ERROR, "discord_timeout");
    }

    private static Failure fromDiscord(ErrorResponseException e, GuildChannel scope) {
        if (e.isServerError()) {
            LOG.warn("Discord failed after retries: {}", e.getMessage());
            return Failure.of(
                    ErrorCode.DISCORD_ERROR, "discord_error", "HTTP " + e.getErrorCode() + " (" + e.getMeaning() + ")");
        }
        return switch (e.getErrorResponse()) {
            case MISSING_PERMISSIONS, MISSING_ACCESS ->
                Failure.of(ErrorCode.MISSING_PERMISSIONS, "missing_permissions_discord", where(scope));
            case UNKNOWN_CHANNEL ->
                Failure.of(ErrorCode.CHANNEL_NOT_FOUND, "channel_not_found", scope == null ? "?" : scope.getId());
            case UNKNOWN_GUILD -> Failure.of(ErrorCode.GUILD_NOT_FOUND, "guild_not_found");
            // Only ever asked for the requesting member: someone who is not on the server.
            case UNKNOWN_MEMBER, UNKNOWN_USER -> Failure.of(ErrorCode.FORBIDDEN, "requester_not_member");
            default -> {
                LOG.info("Discord refused a request: {}", e.getMessage());
                yield Failure.of(
                        ErrorCode.DISCORD_ERROR, "discord_error", e.getMeaning() + " (" + e.getErrorCode() + ")");
            }
        };
    }
}
