package com.valoratbot.standin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Gateway side: HELLO/heartbeats, IDENTIFY with READY and one GUILD_CREATE per guild, RESUME with replay,
 * and the dispatch of state changes to every session that may see them.
 */
final class GatewayHub implements GatewayEvents {

    private static final Logger log = LoggerFactory.getLogger(GatewayHub.class);

    // Gateway opcodes and close codes from Discord's "Opcodes and Status Codes" page.
    private static final int OP_HEARTBEAT = 1;
    private static final int OP_IDENTIFY = 2;
    private static final int OP_PRESENCE_UPDATE = 3;
    private static final int OP_VOICE_STATE_UPDATE = 4;
    private static final int OP_RESUME = 6;
    private static final int OP_REQUEST_GUILD_MEMBERS = 8;
    private static final int CLOSE_UNKNOWN_OPCODE = 4001;
    private static final int CLOSE_DECODE_ERROR = 4002;
    private static final int CLOSE_NOT_AUTHENTICATED = 4003;
    private static final int CLOSE_AUTHENTICATION_FAILED = 4004;
    private static final int CLOSE_ALREADY_AUTHENTICATED = 4005;
    private static final int CLOSE_INVALID_SHARD = 4010;
    private static final int CLOSE_SHARDING_REQUIRED = 4011;
    private static final int CLOSE_INVALID_INTENTS = 4013;

    /** The GUILD_CREATE stream waits while this many frames are still unsent, so a slow client holds little. */
    private static final int STREAM_BACKLOG = 32;

    private static final int CHUNK_SIZE = 1000;
    private static final long ABANDONED_SESSION_MS = Duration.ofMinutes(5).toMillis();

    private final StandInState state;
    private volatile byte[] token;
    private final Duration heartbeatInterval;
    private final long replayLimitBytes;
    private final VoiceHook voiceHook;
    private final Map<String, GatewaySession> sessions = new ConcurrentHashMap<>();
    private final Set<GatewayConnection> connections = ConcurrentHashMap.newKeySet();
    private final AtomicInteger identifies = new AtomicInteger();
    private final AtomicInteger resumes = new AtomicInteger();
    private final AtomicInteger invalidated = new AtomicInteger();
    private final AtomicInteger rateLimitedIdentifies = new AtomicInteger();
    private final ShardingRules sharding;
    /** Per IDENTIFY bucket ({@code shard_id % max_concurrency}), when it last let an IDENTIFY through (nanoTime). */
    private final Map<Integer, Long> lastIdentifyByBucket = new ConcurrentHashMap<>();

    private volatile long firstIdentifyMs;
    private volatile String gatewayUrl = "";

    GatewayHub(
            StandInState state, String token, Duration heartbeatInterval, long replayLimitBytes, VoiceHook voiceHook) {
        this(state, token, heartbeatInterval, replayLimitBytes, voiceHook, ShardingRules.DEFAULT);
    }

    GatewayHub(
            StandInState state,
            String token,
            Duration heartbeatInterval,
            long replayLimitBytes,
            VoiceHook voiceHook,
            ShardingRules sharding) {
        this.sharding = sharding;
        this.state = state;
        this.token = token.getBytes(StandardCharsets.UTF_8);
        this.heartbeatInterval = heartbeatInterval;
        this.replayLimitBytes = replayLimitBytes;
        this.voiceHook = voiceHook;
    }

    /** From now on only {@code newToken} may IDENTIFY or RESUME (the old one is closed with 4004). */
    void resetToken(String newToken) {
        this.token = newToken.getBytes(StandardCharsets.UTF_8);
    }

    VoiceHook voiceHook() {
        return voiceHook;
    }

    void setGatewayUrl(String gatewayUrl) {
        this.gatewayUrl = gatewayUrl;
    }

    GatewayStats stats() {
        return new GatewayStats(
                identifies.get(), resumes.get(), invalidated.get(), connections.size(), rateLimitedIdentifies.get());
    }

    /** The body of {@code GET /gateway/bot}: the URL, a recommended shard count and the session start limit. */
    ObjectNode gatewayBot() {
        int guildCount = state.read(() -> state.guildMap().size());
        ObjectNode json = Json.object().put("url", gatewayUrl).put("shards", sharding.recommendedFor(guildCount));
        long dayMs = Duration.ofDays(1).toMillis();
        long sinceFirst = firstIdentifyMs == 0 ? 0 : System.currentTimeMillis() - firstIdentifyMs;
        json.putObject("session_start_limit")
                .put("total", sharding.sessionStartTotal())
                .put("remaining", Math.max(0, sharding.sessionStartTotal() - identifies.get()))
                .put("reset_after", Math.max(0, dayMs - sinceFirst))
                .put("max_concurrency", sharding.maxConcurrency());
        return json;
    }

    void dropAll() {
        List.copyOf(connections).forEach(GatewayConnection::drop);
    }

    void shutdown() {
        List.copyOf(connections).forEach(c -> c.close(1001, "Stand-in stopping"));
        sessions.values().forEach(GatewaySession::end);
        sessions.clear();
    }

    // ---------------------------------------------------------------- socket lifecycle

    void opened(GatewayConnection connection) {
        connections.add(connection);
        connection.send("{\"op\":10,\"d\":{\"heartbeat_interval\":" + heartbeatInterval.toMillis() + "}}");
    }

    void closed(GatewayConnection connection, int code) {
        connections.remove(connection);
        GatewaySession session = connection.session();
        if (session == null) {
            return;
        }
        session.detach(connection);
        // A client closing with 1000/1001 ends its session on Discord; any other close leaves it resumable.
        if (code == 1000 || code == 1001) {
            endSession(session);
        }
    }

    void onPayload(GatewayConnection connection, String text) {
        JsonNode payload;
        try {
            payload = Json.parse(text);
        } catch (IOException e) {
            connection.close(CLOSE_DECODE_ERROR, "Error while decoding payload.");
            return;
        }
        int op = payload.path("op").asInt(-1);
        JsonNode data = payload.path("d");
        GatewaySession session = connection.session();
        if (session == null && op != OP_HEARTBEAT && op != OP_IDENTIFY && op != OP_RESUME) {
            connection.close(CLOSE_NOT_AUTHENTICATED, "Not authenticated.");
            return;
        }
        switch (op) {
            case OP_HEARTBEAT -> {
                if (session != null && data.canConvertToLong()) {
                    session.acknowledge(data.asLong());
                }
                connection.send("{\"op\":11}");
            }
            case OP_IDENTIFY -> {
                if (session != null) {
                    connection.close(CLOSE_ALREADY_AUTHENTICATED, "Already authenticated.");
                } else {
                    identify(connection, data);
                }
            }
            case OP_RESUME -> {
                if (session != null) {
                    connection.close(CLOSE_ALREADY_AUTHENTICATED, "Already authenticated.");
                } else {
                    resume(connection, data);
                }
            }
            case OP_PRESENCE_UPDATE -> {}
            case OP_VOICE_STATE_UPDATE -> voiceStateUpdate(session, data);
            case OP_REQUEST_GUILD_MEMBERS -> requestGuildMembers(session, data);
            default -> connection.close(CLOSE_UNKNOWN_OPCODE, "Unknown opcode.");
        }
    }

    // ---------------------------------------------------------------- identify / resume

    private void identify(GatewayConnection connection, JsonNode data) {
        if (!tokenMatches(data.path("token").asText(""))) {
            connection.close(CLOSE_AUTHENTICATION_FAILED, "Authentication failed.");
            return;
        }
        if (!data.path("intents").canConvertToInt()) {
            connection.close(CLOSE_INVALID_INTENTS, "Invalid intent(s).");
            return;
        }
        int[] shard = null;
        JsonNode shardNode = data.path("shard");
        if (shardNode.isArray()) {
            shard = new int[] {shardNode.path(0).asInt(), shardNode.path(1).asInt()};
            if (shard[1] < 1 || shard[0] < 0 || shard[0] >= shard[1]) {
                connection.close(CLOSE_INVALID_SHARD, "Invalid shard.");
                return;
            }
        }
        if (sharding.guildsPerShardLimit() > 0) {
            int[] claimed = shard;
            long held = state.read(() -> state.guildMap().keySet().stream()
                    .filter(id -> GatewaySession.covers(claimed, id))
                    .count());
            if (held > sharding.guildsPerShardLimit()) {
                connection.close(CLOSE_SHARDING_REQUIRED, "Sharding required.");
                return;
            }
        }
        if (!identifyAllowed(shard == null ? 0 : shard[0])) {
            // Discord's gateway docs: an IDENTIFY beyond max_concurrency is answered with op 9 Invalid Session
            // (d=false), not a close; the client waits and identifies again on the same socket.
            rateLimitedIdentifies.incrementAndGet();
            connection.send("{\"op\":9,\"d\":false}");
            return;
        }
        reapAbandonedSessions();
        // Discord accepts a large_threshold of 50 to 250 and defaults to 50.
        int largeThreshold = Math.clamp(data.path("large_threshold").asInt(50), 50, 250);
        GatewaySession session = new GatewaySession(
                newSessionId(), data.path("intents").asInt(), largeThreshold, shard, replayLimitBytes);
        session.attach(connection);
        connection.bind(session);
        if (identifies.incrementAndGet() == 1) {
            firstIdentifyMs = System.currentTimeMillis();
        }
        log.debug("IDENTIFY accepted, session {} intents {}", session.id, session.intents);
        // The heavy part runs off Jetty's reader thread so heartbeats keep being answered meanwhile.
        Thread.ofVirtual().name("standin-gateway-ready").start(() -> sendReadyAndGuilds(session, connection));
    }

    /**
     * One IDENTIFY per bucket ({@code shard_id % max_concurrency}) per window. Only accepted IDENTIFYs take the
     * bucket, so a client refused too early is not pushed further back for retrying.
     */
    private boolean identifyAllowed(int shardId) {
        Duration window = sharding.identifyWindow();
        if (window == null) {
            return true;
        }
        int bucket = shardId % sharding.maxConcurrency();
        long now = System.nanoTime();
        boolean[] allowed = {false};
        lastIdentifyByBucket.compute(bucket, (key, last) -> {
            if (last == null || now - last >= window.toNanos()) {
                allowed[0] = true;
                return now;
            }
            return last;
        });
        return allowed[0];
    }

    private void sendReadyAndGuilds(GatewaySession session, GatewayConnection connection) {
        List<Long> guildIds = new ArrayList<>();
        // Registering the session and sending READY under one lock: a guild created concurrently is either in
        // READY's list or announced to the session afterwards, never before READY.
        state.write(() -> {
            ObjectNode ready = Json.object().put("v", 10);
            ready.set("user", Payloads.selfUser(state.botUser()));
            ArrayNode guilds = ready.putArray("guilds");
            for (long guildId : state.guildMap().keySet()) {
                if (session.coversGuild(guildId)) {
                    guildIds.add(guildId);
                    guilds.add(Json.object().put("id", Json.id(guildId)).put("unavailable", true));
                }
            }
            ready.put("session_id", session.id)
                    .put("resume_gateway_url", gatewayUrl)
                    .put("session_type", "normal");
            ready.putArray("private_channels");
            ready.putArray("relationships");
            ready.putArray("presences");
            ready.putArray("guild_join_requests");
            ready.putArray("geo_ordered_rtc_regions").add("rotterdam");
            ready.putObject("application").put("id", Json.id(state.botUserId())).put("flags", 0);
            ready.putObject("user_settings");
            if (session.shard != null) {
                ready.putArray("shard").add(session.shard[0]).add(session.shard[1]);
            }
            ready.putArray("_trace").add("[\"discord-stand-in\"]");
            sessions.put(session.id, session);
            session.dispatch("READY", Json.write(ready));
        });
        for (long guildId : guildIds) {
            awaitBacklog(connection);
            if (session.isEnded()) {
                return;
            }
            state.write(() -> {
                GuildData guild = state.findGuild(guildId);
                if (guild != null && !session.isDelivered(guildId)) {
                    sendGuildCreate(session, guild);
                }
            });
        }
    }

    private void awaitBacklog(GatewayConnection connection) {
        while (connection.isOpen() && connection.pendingFrames() > STREAM_BACKLOG) {
            try {
                Thread.sleep(2);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /**
     * Discord sends every member only to clients with the GUILD_MEMBERS intent, and only for guilds at or below
     * the client's large_threshold; a large guild is flagged so the client asks for member chunks (op 8).
     */
    private void sendGuildCreate(GatewaySession session, GuildData guild) {
        boolean large = guild.members.size() > session.largeThreshold;
        boolean allMembers = session.hasIntents(GatewayIntents.GUILD_MEMBERS) && !large;
        ObjectNode payload = Payloads.guildCreate(guild, state.userMap(), state.botUserId(), allMembers);
        payload.put("large", large);
        session.markDelivered(guild.id);
        session.dispatch("GUILD_CREATE", Json.write(payload));
    }

    private void resume(GatewayConnection connection, JsonNode data) {
        if (!tokenMatches(data.path("token").asText(""))) {
            connection.close(CLOSE_AUTHENTICATION_FAILED, "Authentication failed.");
            return;
        }
        GatewaySession session = sessions.get(data.path("session_id").asText(""));
        long lastSeq = data.path("seq").asLong(-1);
        if (session == null || !session.resume(connection, lastSeq)) {
            invalidated.incrementAndGet();
            if (session != null) {
                endSession(session);
            }
            // op 9 with d=false: the client must IDENTIFY afresh.
            connection.send("{\"op\":9,\"d\":false}");
            return;
        }
        connection.bind(session);
        resumes.incrementAndGet();
        log.debug("RESUME of session {} from seq {}", session.id, lastSeq);
    }

    private void endSession(GatewaySession session) {
        session.end();
        sessions.remove(session.id, session);
    }

    private void reapAbandonedSessions() {
        long now = System.currentTimeMillis();
        sessions.values().removeIf(s -> {
            boolean abandoned = s.isAbandoned(now, ABANDONED_SESSION_MS);
            if (abandoned) {
                s.end();
            }
            return abandoned;
        });
    }

    private boolean tokenMatches(String candidate) {
        return MessageDigest.isEqual(token, candidate.getBytes(StandardCharsets.UTF_8));
    }

    private static String newSessionId() {
        byte[] bytes = new byte[16];
        ThreadLocalRandom.current().nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }

    // ---------------------------------------------------------------- client requests

    private void voiceStateUpdate(GatewaySession session, JsonNode data) {
        long guildId = parseId(data.path("guild_id"));
        JsonNode channelNode = data.path("channel_id");
        Long channelId = channelNode.isNull() || channelNode.isMissingNode() ? null : parseId(channelNode);
        boolean selfMute = data.path("self_mute").asBoolean(false);
        boolean selfDeaf = data.path("self_deaf").asBoolean(false);
        VoiceStateRequest request =
                state.write(() -> state.applyBotVoiceRequest(guildId, channelId, selfMute, selfDeaf, session.id));
        if (voiceHook != null && request.applied()) {
            voiceHook.onBotVoiceRequest(request, new VoiceGatewayContext() {
                @Override
                public String sessionId() {
                    return session.id;
                }

                @Override
                public long botUserId() {
                    return state.botUserId();
                }

                @Override
                public void dispatch(String eventName, JsonNode eventData) {
                    session.dispatch(eventName, Json.write(eventData));
                }
            });
        }
    }

    /** Request Guild Members (op 8), answered with GUILD_MEMBERS_CHUNK events of at most 1000 members each. */
    private void requestGuildMembers(GatewaySession session, JsonNode data) {
        JsonNode guildNode = data.path("guild_id");
        List<Long> guildIds = new ArrayList<>();
        if (guildNode.isArray()) {
            guildNode.forEach(n -> guildIds.add(parseId(n)));
        } else {
            guildIds.add(parseId(guildNode));
        }
        String query = data.path("query").asText("").toLowerCase(Locale.ROOT);
        int limit = data.path("limit").asInt(0);
        JsonNode userIds = data.path("user_ids");
        String nonce = data.hasNonNull("nonce") ? data.path("nonce").asText() : null;
        state.write(() -> {
            for (long guildId : guildIds) {
                GuildData guild = state.findGuild(guildId);
                if (guild == null) {
                    continue;
                }
                List<ObjectNode> found = new ArrayList<>();
                ArrayNode notFound = Json.array();
                if (userIds.isMissingNode() || userIds.isNull()) {
                    for (MemberData member : guild.members.values()) {
                        UserData user = state.userMap().get(member.userId);
                        if (user.username.toLowerCase(Locale.ROOT).startsWith(query)
                                && (limit == 0 || found.size() < limit)) {
                            found.add(Payloads.member(member, user));
                        }
                    }
                } else {
                    List<JsonNode> wanted = new ArrayList<>();
                    if (userIds.isArray()) {
                        userIds.forEach(wanted::add);
                    } else {
                        wanted.add(userIds);
                    }
                    for (JsonNode idNode : wanted) {
                        long userId = parseId(idNode);
                        MemberData member = guild.members.get(userId);
                        if (member == null) {
                            notFound.add(Json.id(userId));
                        } else {
                            found.add(Payloads.member(member, state.userMap().get(userId)));
                        }
                    }
                }
                int chunkCount = Math.max(1, (found.size() + CHUNK_SIZE - 1) / CHUNK_SIZE);
                for (int index = 0; index < chunkCount; index++) {
                    ObjectNode chunk = Json.object()
                            .put("guild_id", Json.id(guildId))
                            .put("chunk_index", index)
                            .put("chunk_count", chunkCount);
                    ArrayNode members = chunk.putArray("members");
                    found.subList(index * CHUNK_SIZE, Math.min(found.size(), (index + 1) * CHUNK_SIZE))
                            .forEach(members::add);
                    chunk.set("not_found", index == 0 ? notFound : Json.array());
                    if (nonce != null) {
                        chunk.put("nonce", nonce);
                    }
                    session.dispatch("GUILD_MEMBERS_CHUNK", Json.write(chunk));
                }
            }
        });
    }

    private static long parseId(JsonNode node) {
        return node.isNumber() ? node.asLong() : Long.parseUnsignedLong(node.asText("0"));
    }

    // ---------------------------------------------------------------- GatewayEvents (state lock held)

    @Override
    public void guildCreated(GuildData guild) {
        for (GatewaySession session : sessions.values()) {
            if (!session.isEnded() && session.coversGuild(guild.id) && !session.isDelivered(guild.id)) {
                sendGuildCreate(session, guild);
            }
        }
    }

    @Override
    public void dispatch(long guildId, String type, int requiredIntents, ObjectNode data, boolean privilegedContent) {
        String full = null;
        String blanked = null;
        for (GatewaySession session : sessions.values()) {
            // Events outside any guild (guildId 0, e.g. DMs) go to shard 0 only, as Discord sends them.
            boolean receives = guildId == 0 ? session.isShardZero() : session.isDelivered(guildId);
            if (session.isEnded() || !receives || !session.hasIntents(requiredIntents)) {
                continue;
            }
            if (privilegedContent && !session.hasIntents(GatewayIntents.MESSAGE_CONTENT) && !addressedToBot(data)) {
                if (blanked == null) {
                    blanked = Json.write(withoutContent(data));
                }
                session.dispatch(type, blanked);
            } else {
                if (full == null) {
                    full = Json.write(data);
                }
                session.dispatch(type, full);
            }
        }
    }

    // MESSAGE_CONTENT is privileged: without it Discord empties content, embeds, attachments and components,
    // except in the bot's own messages and messages that mention it.
    private boolean addressedToBot(ObjectNode message) {
        String botId = Json.id(state.botUserId());
        if (botId.equals(message.path("author").path("id").asText())) {
            return true;
        }
        for (JsonNode mention : message.path("mentions")) {
            if (botId.equals(mention.path("id").asText())) {
                return true;
            }
        }
        return false;
    }

    private static ObjectNode withoutContent(ObjectNode message) {
        ObjectNode copy = message.deepCopy();
        copy.put("content", "");
        copy.putArray("embeds");
        copy.putArray("attachments");
        copy.putArray("components");
        return copy;
    }
}
