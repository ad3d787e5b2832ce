package com.valoratbot.standin;

import java.util.ArrayDeque;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One identified Gateway session. It outlives its WebSocket so a client can RESUME: every dispatch gets the
 * next sequence number and is kept in a replay buffer (bounded in bytes) until a reconnecting client says
 * which sequence it saw last.
 */
final class GatewaySession {

    private record Frame(long seq, String json) {}

    final String id;
    final int intents;
    /** Guilds with more members than this are "large": their GUILD_CREATE leaves offline members out. */
    final int largeThreshold;
    /** {shard id, shard count}, or null when the client did not shard. */
    final int[] shard;

    private final long replayLimitBytes;
    private final ReentrantLock lock = new ReentrantLock();
    private final ArrayDeque<Frame> replay = new ArrayDeque<>();
    private final Set<Long> deliveredGuilds = ConcurrentHashMap.newKeySet();
    private long replayBytes;
    private long seq;
    private GatewayConnection connection;
    private boolean ended;
    private long detachedAtMs;

    GatewaySession(String id, int intents, int largeThreshold, int[] shard, long replayLimitBytes) {
        this.id = id;
        this.intents = intents;
        this.largeThreshold = largeThreshold;
        this.shard = shard;
        this.replayLimitBytes = replayLimitBytes;
    }

    boolean hasIntents(int required) {
        return (intents & required) == required;
    }

    /** Whether this session's shard receives the guild's events (Discord's (guild_id >> 22) % num_shards rule). */
    boolean coversGuild(long guildId) {
        return covers(shard, guildId);
    }

    /** {@code shard} is {id, count} or null (unsharded: every guild). */
    static boolean covers(int[] shard, long guildId) {
        return shard == null || shard[1] <= 1 || (guildId >>> 22) % shard[1] == shard[0];
    }

    boolean isShardZero() {
        return shard == null || shard[0] == 0;
    }

    void dispatch(String type, String dataJson) {
        lock.lock();
        try {
            if (ended) {
                return;
            }
            long next = ++seq;
            String frame = "{\"op\":0,\"s\":" + next + ",\"t\":\"" + type + "\",\"d\":" + dataJson + "}";
            replay.addLast(new Frame(next, frame));
            replayBytes += frame.length();
            while (replayBytes > replayLimitBytes && replay.size() > 1) {
                replayBytes -= replay.removeFirst().json().length();
            }
            if (connection != null) {
                connection.send(frame);
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * A heartbeat carries the last sequence the client processed; nothing up to it can be asked for again,
     * so the replay buffer lets go of it (this is what keeps a 2,500-guild READY stream from lingering).
     */
    void acknowledge(long processedSeq) {
        lock.lock();
        try {
            while (!replay.isEmpty() && replay.getFirst().seq() <= processedSeq) {
                replayBytes -= replay.removeFirst().json().length();
            }
        } finally {
            lock.unlock();
        }
    }

    void attach(GatewayConnection connection) {
        lock.lock();
        try {
            this.connection = connection;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Moves the session onto {@code newConnection}, replays what came after {@code lastSeq} and sends RESUMED.
     * False when the session cannot be resumed from there (ended, or the events were evicted).
     */
    boolean resume(GatewayConnection newConnection, long lastSeq) {
        lock.lock();
        try {
            if (ended || lastSeq < 0 || lastSeq > seq) {
                return false;
            }
            long oldestKept = replay.isEmpty() ? seq + 1 : replay.getFirst().seq();
            if (lastSeq + 1 < oldestKept) {
                return false;
            }
            if (connection != null && connection != newConnection) {
                // Discord drops the previous socket of a session that resumes elsewhere.
                connection.drop();
            }
            connection = newConnection;
            for (Frame frame : replay) {
                if (frame.seq() > lastSeq) {
                    newConnection.send(frame.json());
                }
            }
            dispatch("RESUMED", "{\"_trace\":[\"discord-stand-in\"]}");
            return true;
        } finally {
            lock.unlock();
        }
    }

    void detach(GatewayConnection closed) {
        lock.lock();
        try {
            if (connection == closed) {
                connection = null;
                detachedAtMs = System.currentTimeMillis();
            }
        } finally {
            lock.unlock();
        }
    }

    void end() {
        lock.lock();
        try {
            ended = true;
            replay.clear();
            replayBytes = 0;
            deliveredGuilds.clear();
            connection = null;
        } finally {
            lock.unlock();
        }
    }

    boolean isEnded() {
        lock.lock();
        try {
            return ended;
        } finally {
            lock.unlock();
        }
    }

    /** Detached for longer than {@code idleMs}: the client is not coming back to resume. */
    boolean isAbandoned(long nowMs, long idleMs) {
        lock.lock();
        try {
            return ended || (connection == null && detachedAtMs != 0 && nowMs - detachedAtMs > idleMs);
        } finally {
            lock.unlock();
        }
    }

    // Events for a guild only flow after its GUILD_CREATE, as on Discord.
    boolean isDelivered(long guildId) {
        return deliveredGuilds.contains(guildId);
    }

    void markDelivered(long guildId) {
        deliveredGuilds.add(guildId);
    }
}
