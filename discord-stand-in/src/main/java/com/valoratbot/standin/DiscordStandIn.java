package com.valoratbot.standin;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.eclipse.jetty.websocket.server.WebSocketUpgradeHandler;

/**
 * A local server speaking Discord's HTTP API (v10, JSON) and Gateway (WebSocket, JSON, no compression) well
 * enough for an unmodified JDA to log in, cache guilds and make the calls the project makes.
 *
 * <pre>{@code
 * try (DiscordStandIn standIn = DiscordStandIn.builder().build().start()) {
 *     DemoGuild.seed(standIn.state());
 *     // point JDA at standIn.restBaseUrl() and standIn.gatewayUrl()
 * }
 * }</pre>
 *
 * Binds to 127.0.0.1 only.
 */
public final class DiscordStandIn implements AutoCloseable {

    public static final String DEFAULT_TOKEN = "stand-in-token";
    public static final long DEFAULT_BOT_USER_ID = 1_100_000_000_000_000_900L;
    public static final String DEFAULT_BOT_NAME = "Valoratbot";

    private static final String LOOPBACK = "127.0.0.1";

    private final int requestedPort;
    private volatile String botToken;
    private final StandInState state;
    private final RateLimiter rateLimiter = new RateLimiter();
    private final RequestLog requestLog;
    private final GatewayHub gateway;
    private final Duration heartbeatInterval;
    private Server server;
    private RestApi api;
    private volatile int port = -1;
    private boolean stopped;

    private DiscordStandIn(Builder builder) {
        this.requestedPort = builder.port;
        this.botToken = builder.botToken;
        this.heartbeatInterval = builder.heartbeatInterval;
        this.state = new StandInState(builder.botUserId, builder.botName);
        this.requestLog = new RequestLog(builder.requestLogCapacity);
        this.gateway = new GatewayHub(
                state,
                botToken,
                heartbeatInterval,
                builder.replayBufferBytes,
                builder.voiceHook,
                new ShardingRules(
                        builder.recommendedShards,
                        builder.maxConcurrency,
                        builder.identifyWindow,
                        builder.guildsPerShardLimit,
                        builder.sessionStartTotal));
        builder.rateLimits.forEach(rateLimiter::set);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Starts listening; returns this for try-with-resources chaining. */
    public synchronized DiscordStandIn start() {
        if (server != null) {
            throw new IllegalStateException("The stand-in was already started");
        }
        QueuedThreadPool threads = new QueuedThreadPool(64, 4);
        threads.setName("standin-http");
        server = new Server(threads);
        ServerConnector connector = new ServerConnector(server);
        connector.setHost(LOOPBACK);
        connector.setPort(requestedPort);
        server.addConnector(connector);
        api = new RestApi(state, botToken, this::gatewayUrl, rateLimiter, requestLog, gateway::gatewayBot);
        WebSocketUpgradeHandler upgrade = WebSocketUpgradeHandler.from(server, container -> {
            // Clients heartbeat at the interval HELLO gives; the idle timeout must comfortably exceed it.
            container.setIdleTimeout(heartbeatInterval.multipliedBy(3).plusSeconds(10));
            container.setMaxTextMessageSize(1024 * 1024);
            container.addMapping("/gateway", (request, response, callback) -> new GatewayConnection(gateway));
        });
        upgrade.setHandler(new HttpFront(api, state, requestLog, gateway));
        server.setHandler(upgrade);
        try {
            server.start();
        } catch (Exception e) {
            stopQuietly();
            throw new IllegalStateException(
                    "The Discord stand-in could not start on port " + requestedPort
                            + " (is another sandbox worker running? set VALORATBOT_SANDBOX_PORT to another port, or 0 for any free one): "
                            + e.getMessage(),
                    e);
        }
        port = connector.getLocalPort();
        gateway.setGatewayUrl(gatewayUrl());
        state.attach(gateway, baseUrl() + HttpFront.ATTACHMENTS_PREFIX.substring(1));
        return this;
    }

    /** Stops the server; connected clients see their sockets close. Safe to call twice. */
    @Override
    public synchronized void close() {
        if (stopped) {
            return;
        }
        stopped = true;
        state.attach(GatewayEvents.NONE, state.attachmentBaseUrl());
        gateway.shutdown();
        stopQuietly();
    }

    private void stopQuietly() {
        if (server == null) {
            return;
        }
        try {
            server.stop();
        } catch (Exception e) {
            // Stopping is best effort: the JVM is usually about to move on.
        }
    }

    public int port() {
        if (port < 0) {
            throw new IllegalStateException("The stand-in is not started");
        }
        return port;
    }

    /** {@code http://127.0.0.1:PORT/} */
    public String baseUrl() {
        return "http://" + LOOPBACK + ":" + port() + "/";
    }

    /** {@code http://127.0.0.1:PORT/api/v10/}, with the trailing slash JDA's RestConfig expects. */
    public String restBaseUrl() {
        return baseUrl() + "api/v10/";
    }

    /** {@code ws://127.0.0.1:PORT/gateway}; clients may append {@code ?v=10&encoding=json}. */
    public String gatewayUrl() {
        return "ws://" + LOOPBACK + ":" + port() + "/gateway";
    }

    /** {@code http://127.0.0.1:PORT/_standin/state}: the whole state as JSON, no auth. */
    public String stateUrl() {
        return baseUrl() + "_standin/state";
    }

    /** A short WAV tone to {@code play} in the sandbox (see {@link SampleTrack}). */
    public String sampleTrackUrl() {
        return baseUrl() + SampleTrack.PATH.substring(1);
    }

    /** {@code http://127.0.0.1:PORT/_standin/requests}: the request log as JSON; DELETE clears it. */
    public String requestsUrl() {
        return baseUrl() + "_standin/requests";
    }

    public String botToken() {
        return botToken;
    }

    public long botUserId() {
        return state.botUserId();
    }

    public StandInState state() {
        return state;
    }

    /** Every API call answered since start or the last {@link #clearRequests()}, oldest first. */
    public List<RecordedRequest> requests() {
        return requestLog.snapshot();
    }

    /** The calls to one route, e.g. {@code "POST /channels/{channel_id}/messages/bulk-delete"}. */
    public List<RecordedRequest> requests(String route) {
        return requestLog.snapshot().stream()
                .filter(r -> r.route().equals(route))
                .toList();
    }

    public void clearRequests() {
        requestLog.clear();
    }

    /**
     * As Discord's "Reset Token": the old token is refused from now on (REST 401, IDENTIFY and RESUME
     * closed with 4004) and every Gateway socket is cut, so connected clients find out when they RESUME.
     */
    public synchronized void resetToken(String newToken) {
        botToken = java.util.Objects.requireNonNull(newToken, "newToken");
        gateway.resetToken(newToken);
        if (api != null) api.resetToken(newToken);
        gateway.dropAll();
    }

    /** Cuts every Gateway socket without a close frame, as a network failure would; clients then RESUME. */
    public void dropGatewayConnections() {
        gateway.dropAll();
    }

    /** The Gateway side itself, for tests of dispatches the state cannot cause yet (events outside any guild). */
    GatewayEvents gatewayEvents() {
        return gateway;
    }

    public GatewayStats gatewayStats() {
        return gateway.stats();
    }

    /** Sets or replaces a route's bucket while running (same rules as {@link Builder#rateLimit}). */
    public void setRateLimit(String route, int requests, Duration per) {
        rateLimiter.set(route, Builder.rule(route, requests, per));
    }

    public void clearRateLimit(String route) {
        rateLimiter.remove(route);
    }

    /** The routes that can be rate-limited or asserted on, e.g. {@code GET /channels/{channel_id}/messages}. */
    public static List<String> routes() {
        return Endpoint.keys();
    }

    @Override
    public String toString() {
        return "DiscordStandIn[" + (port < 0 ? "not started" : baseUrl()) + ", bot " + state.botUserId() + "]";
    }

    /** Configuration, validated by {@link #build()} so mistakes surface before anything listens. */
    public static final class Builder {
        private int port;
        private String botToken = DEFAULT_TOKEN;
        private long botUserId = DEFAULT_BOT_USER_ID;
        private String botName = DEFAULT_BOT_NAME;
        private Duration heartbeatInterval = Duration.ofMillis(41_250);
        private long replayBufferBytes = 64L * 1024 * 1024;
        private int requestLogCapacity = 100_000;
        private VoiceHook voiceHook;
        private int recommendedShards = ShardingRules.DEFAULT.recommendedShards();
        private int maxConcurrency = ShardingRules.DEFAULT.maxConcurrency();
        private Duration identifyWindow = ShardingRules.DEFAULT.identifyWindow();
        private int guildsPerShardLimit = ShardingRules.DEFAULT.guildsPerShardLimit();
        private int sessionStartTotal = ShardingRules.DEFAULT.sessionStartTotal();
        private final Map<String, RateLimiter.Rule> rateLimits = new LinkedHashMap<>();
        private final List<String> problems = new ArrayList<>();

        private Builder() {}

        /** 0 picks a free port. */
        public Builder port(int port) {
            this.port = port;
            return this;
        }

        public Builder botToken(String botToken) {
            this.botToken = botToken;
            return this;
        }

        public Builder botUserId(long botUserId) {
            this.botUserId = botUserId;
            return this;
        }

        public Builder botName(String botName) {
            this.botName = botName;
            return this;
        }

        /**
         * A bucket for one route, per major parameter (channel or guild) as on Discord: at most
         * {@code requests} calls per {@code per}; the next gets 429. Routes are named like
         * {@code "POST /channels/{channel_id}/messages/bulk-delete"} (see {@link DiscordStandIn#routes()}).
         */
        public Builder rateLimit(String route, int requests, Duration per) {
            try {
                rateLimits.put(route, rule(route, requests, per));
            } catch (IllegalArgumentException e) {
                problems.add(e.getMessage());
            }
            return this;
        }

        /** The interval announced in HELLO (Discord uses 41.25 s). */
        public Builder heartbeatInterval(Duration heartbeatInterval) {
            this.heartbeatInterval = heartbeatInterval;
            return this;
        }

        /** How much of each session's dispatch history is kept for RESUME (64 MiB by default). */
        public Builder replayBufferBytes(long replayBufferBytes) {
            this.replayBufferBytes = replayBufferBytes;
            return this;
        }

        /** How many API calls the request log keeps (counts keep going past it). */
        public Builder requestLogCapacity(int requestLogCapacity) {
            this.requestLogCapacity = requestLogCapacity;
            return this;
        }

        public Builder voiceHook(VoiceHook voiceHook) {
            this.voiceHook = voiceHook;
            return this;
        }

        /**
         * The {@code shards} that {@code GET /gateway/bot} recommends. Unset (0), it is computed from the guilds
         * held at the time of the call: {@code max(1, ceil(guilds / 1000))}, Discord's ~1,000 guilds per shard.
         */
        public Builder recommendedShards(int recommendedShards) {
            this.recommendedShards = recommendedShards;
            return this;
        }

        /** {@code session_start_limit.max_concurrency}: how many IDENTIFY buckets there are (1 by default). */
        public Builder maxConcurrency(int maxConcurrency) {
            this.maxConcurrency = maxConcurrency;
            return this;
        }

        /**
         * Paces IDENTIFY as Discord does: one per bucket {@code shard_id % max_concurrency} per {@code window}
         * (Discord's is 5 s); a faster one gets op 9 Invalid Session. Off by default.
         */
        public Builder identifyRateLimit(Duration window) {
            this.identifyWindow = window;
            return this;
        }

        /**
         * Requires sharding as Discord does past 2,500 guilds: an IDENTIFY whose session would hold more guilds
         * than this is closed with 4011. 0 (the default) never requires it.
         */
        public Builder guildsPerShardLimit(int guildsPerShardLimit) {
            this.guildsPerShardLimit = guildsPerShardLimit;
            return this;
        }

        /**
         * {@code session_start_limit.total} of {@code GET /gateway/bot} (Discord: 1,000 a day); {@code remaining} is
         * this less the IDENTIFYs accepted so far. Reported, not enforced.
         */
        public Builder sessionStartTotal(int sessionStartTotal) {
            this.sessionStartTotal = sessionStartTotal;
            return this;
        }

        public DiscordStandIn build() {
            List<String> errors = new ArrayList<>(problems);
            if (port < 0 || port > 65_535) {
                errors.add("port must be 0-65535, was " + port);
            }
            if (botToken == null || botToken.isBlank() || botToken.chars().anyMatch(Character::isWhitespace)) {
                errors.add("botToken must be non-blank without whitespace");
            }
            if (botUserId <= 0) {
                errors.add("botUserId must be a positive snowflake");
            }
            if (botName == null || botName.length() < 2 || botName.length() > 32) {
                errors.add("botName must be 2-32 characters (Discord's username rule)");
            }
            if (heartbeatInterval == null
                    || heartbeatInterval.compareTo(Duration.ofMillis(100)) < 0
                    || heartbeatInterval.compareTo(Duration.ofMinutes(10)) > 0) {
                errors.add("heartbeatInterval must be between 100 ms and 10 min");
            }
            if (replayBufferBytes < 64 * 1024) {
                errors.add("replayBufferBytes must be at least 64 KiB");
            }
            if (recommendedShards < 0) {
                errors.add("recommendedShards must be 0 (computed) or positive");
            }
            if (maxConcurrency < 1) {
                errors.add("maxConcurrency must be at least 1");
            }
            if (identifyWindow != null
                    && (identifyWindow.isNegative() || identifyWindow.compareTo(Duration.ofMinutes(1)) > 0)) {
                errors.add("identifyRateLimit must be between 0 and 1 min");
            }
            if (guildsPerShardLimit < 0) {
                errors.add("guildsPerShardLimit must be 0 (no limit) or positive");
            }
            if (requestLogCapacity < 1) {
                errors.add("requestLogCapacity must be positive");
            }
            if (!errors.isEmpty()) {
                throw new IllegalArgumentException("Invalid stand-in configuration: " + String.join("; ", errors));
            }
            return new DiscordStandIn(this);
        }

        static RateLimiter.Rule rule(String route, int requests, Duration per) {
            if (!Endpoint.keys().contains(route)) {
                throw new IllegalArgumentException("Unknown route '" + route + "'; known routes: " + Endpoint.keys());
            }
            if (requests < 1) {
                throw new IllegalArgumentException("Rate limit for " + route + " must allow at least 1 request");
            }
            Objects.requireNonNull(per, "per");
            if (per.toMillis() < 1) {
                throw new IllegalArgumentException("Rate limit window for " + route + " must be at least 1 ms");
            }
            return new RateLimiter.Rule(requests, per);
        }
    }
}
