package com.valoratbot.core.activity;

import com.valoratbot.core.activity.ActivityBatch.DailyActivity;
import com.valoratbot.core.activity.ActivityBatch.MemberName;
import com.valoratbot.core.command.Snowflake;
import com.valoratbot.core.port.activity.ActivityStore;
import com.valoratbot.core.port.schedule.GuildTimeZones;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Counts activity per guild, member and local day in memory, and hands it to an {@link ActivityStore}
 * in batches: every {@link Builder#flushInterval} and at {@link #close}. A crash loses at most one
 * interval; a failed flush keeps its counts for the next one.
 *
 * <h2>What counts</h2>
 * <ul>
 *   <li><b>Messages</b>: every message a non-bot member sends in the guild (the caller drops webhooks
 *       and system messages). Content is never needed.</li>
 *   <li><b>Voice time</b>, in whole seconds, while a member is in a voice channel that is not the
 *       guild's AFK channel, is not deafened (by themselves or a moderator), is not a bot, and shares
 *       the channel with at least one other non-bot member. Time alone, muted-to-the-world or parked
 *       in AFK is not conversation. Time crossing local midnight is split between the two days.</li>
 * </ul>
 * Members found in voice by {@link #voiceSnapshot} (the bot's start-up or a reconnect) count from then.
 *
 * <p>Thread-safe: gateway threads report events while a background thread flushes; the store is
 * called outside the lock, so a slow database never blocks event handling.
 */
public final class ActivityAggregator implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(ActivityAggregator.class.getName());
    public static final Duration DEFAULT_FLUSH_INTERVAL = Duration.ofSeconds(5);
    /** How often a guild's zone is asked again, so a changed setting applies without a restart. */
    private static final long ZONE_RECHECK_MILLIS = 60_000;

    private final ActivityStore store;
    private final GuildTimeZones zones;
    private final Clock clock;
    private final Duration flushInterval;

    private final Object lock = new Object();
    private final ReentrantLock flushing = new ReentrantLock();
    private HashMap<DayKey, Counts> counts = new HashMap<>();
    private HashMap<MemberKey, String> names = new HashMap<>();
    private final HashMap<MemberKey, String> storedNames = new HashMap<>();
    private final HashMap<Long, GuildState> guilds = new HashMap<>();

    private ScheduledExecutorService flusher;
    private boolean closed;

    private ActivityAggregator(Builder b) {
        this.store = b.store;
        this.zones = b.zones;
        this.clock = b.clock;
        this.flushInterval = b.flushInterval;
    }

    public static Builder builder(ActivityStore store, GuildTimeZones zones, Clock clock) {
        return new Builder(store, zones, clock);
    }

    /** Starts flushing every interval on a background thread. */
    public synchronized ActivityAggregator start() {
        if (closed) throw new IllegalStateException("closed");
        if (flusher != null) throw new IllegalStateException("already started");
        flusher = Executors.newSingleThreadScheduledExecutor(
                Thread.ofPlatform().name("valoratbot-activity-flush").daemon().factory());
        long every = flushInterval.toMillis();
        flusher.scheduleWithFixedDelay(this::flushQuietly, every, every, TimeUnit.MILLISECONDS);
        return this;
    }

    /** Stops the background flushes and writes what is left, voice time counted up to now. */
    @Override
    public synchronized void close() {
        if (closed) return;
        closed = true;
        if (flusher != null) {
            flusher.shutdown();
            try {
                flusher.awaitTermination(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        try {
            flush();
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.ERROR, "final activity flush failed; these counts are lost", e);
        }
    }

    // ---- events ------------------------------------------------------------------------------

    /** A message sent in the guild; ignored when its author is a bot. */
    public void message(Snowflake guildId, Snowflake userId, String name, boolean bot) {
        if (bot) return;
        Instant now = clock.instant();
        long g = guildId.value();
        long u = userId.value();
        synchronized (lock) {
            GuildState state = guild(g);
            counts(g, u, dayOf(state, g, now.toEpochMilli())).messages++;
            rememberName(g, u, name);
        }
    }

    /** A member's new voice state: joined, moved, left ({@code channelId} empty), (un)deafened. */
    public void voiceState(Snowflake guildId, VoiceMember member) {
        Instant now = clock.instant();
        long g = guildId.value();
        long u = member.userId().value();
        long channel = member.channelId().map(Snowflake::value).orElse(0L);
        synchronized (lock) {
            GuildState state = guild(g);
            MemberVoice m = state.voice.get(u);
            long oldChannel = m == null ? 0 : m.channel;
            if (channel == 0) {
                if (m == null) return;
                apply(state, g, m, false, now);
                state.voice.remove(u);
            } else {
                if (m == null) {
                    m = new MemberVoice(u);
                    state.voice.put(u, m);
                }
                m.name = member.name();
                m.bot = member.bot();
                m.channel = channel;
                m.deafened = member.deafened();
                if (!m.bot) rememberName(g, u, m.name);
            }
            recompute(state, g, oldChannel, now);
            if (channel != oldChannel) recompute(state, g, channel, now);
        }
    }

    /**
     * Everyone in a guild's voice channels right now, replacing what was known: at start-up, when the
     * guild becomes available, after a reconnect. Members counting before are settled up to now.
     */
    public void voiceSnapshot(Snowflake guildId, Optional<Snowflake> afkChannelId, Collection<VoiceMember> inVoice) {
        Instant now = clock.instant();
        long g = guildId.value();
        synchronized (lock) {
            GuildState state = guild(g);
            for (MemberVoice m : state.voice.values()) apply(state, g, m, false, now);
            state.voice.clear();
            state.afk = afkChannelId.map(Snowflake::value).orElse(0L);
            Set<Long> channels = new HashSet<>();
            for (VoiceMember v : inVoice) {
                if (v.channelId().isEmpty()) continue;
                MemberVoice m = new MemberVoice(v.userId().value());
                m.name = v.name();
                m.bot = v.bot();
                m.channel = v.channelId().get().value();
                m.deafened = v.deafened();
                state.voice.put(m.user, m);
                if (!m.bot) rememberName(g, m.user, m.name);
                channels.add(m.channel);
            }
            for (long c : channels) recompute(state, g, c, now);
        }
    }

    /** The guild's AFK channel changed (or was removed). */
    public void afkChannel(Snowflake guildId, Optional<Snowflake> afkChannelId) {
        Instant now = clock.instant();
        long g = guildId.value();
        synchronized (lock) {
            GuildState state = guild(g);
            state.afk = afkChannelId.map(Snowflake::value).orElse(0L);
            Set<Long> channels = new HashSet<>();
            for (MemberVoice m : state.voice.values()) channels.add(m.channel);
            for (long c : channels) recompute(state, g, c, now);
        }
    }

    /** The bot left the guild or lost it: voice time is settled up to now and tracking stops. */
    public void guildGone(Snowflake guildId) {
        Instant now = clock.instant();
        long g = guildId.value();
        synchronized (lock) {
            GuildState state = guilds.get(g);
            if (state == null) return;
            for (MemberVoice m : state.voice.values()) apply(state, g, m, false, now);
            state.voice.clear();
        }
    }

    /** Members currently accumulating voice time in a guild, for diagnostics and tests. */
    public Set<Snowflake> countingInVoice(Snowflake guildId) {
        synchronized (lock) {
            GuildState state = guilds.get(guildId.value());
            if (state == null) return Set.of();
            Set<Snowflake> out = new HashSet<>();
            for (MemberVoice m : state.voice.values()) if (m.since != null) out.add(Snowflake.of(m.user));
            return Set.copyOf(out);
        }
    }

    // ---- flushing ----------------------------------------------------------------------------

    /**
     * Writes everything counted so far (voice time up to now) in one batch. On failure the counts are
     * kept for the next flush and the exception is rethrown.
     *
     * @return the batch written (empty when there was nothing to write)
     */
    public ActivityBatch flush() {
        flushing.lock();
        try {
            ActivityBatch batch = drain();
            if (batch.isEmpty()) return batch;
            try {
                store.store(batch);
            } catch (RuntimeException failed) {
                restore(batch);
                throw failed;
            }
            synchronized (lock) {
                for (MemberName n : batch.names()) storedNames.put(new MemberKey(n.guildId(), n.userId()), n.name());
            }
            return batch;
        } finally {
            flushing.unlock();
        }
    }

    private void flushQuietly() {
        try {
            flush();
        } catch (RuntimeException e) {
            LOG.log(
                    System.Logger.Level.WARNING,
                    "activity flush failed, keeping the counts for the next one: "
                            + com.valoratbot.core.text.OneLine.of(e));
        }
    }

    private ActivityBatch drain() {
        Instant now = clock.instant();
        HashMap<DayKey, Counts> taken;
        HashMap<MemberKey, String> takenNames;
        synchronized (lock) {
            for (Map.Entry<Long, GuildState> e : guilds.entrySet()) {
                for (MemberVoice m : e.getValue().voice.values()) {
                    if (m.since != null) m.since = accrue(e.getValue(), e.getKey(), m, m.since, now);
                }
            }
            taken = counts;
            takenNames = names;
            counts = new HashMap<>();
            names = new HashMap<>();
        }
        List<DailyActivity> days = new ArrayList<>(taken.size());
        taken.forEach((k, c) -> {
            if (c.messages != 0 || c.voiceSeconds != 0)
                days.add(new DailyActivity(k.guild, k.user, k.day, c.messages, c.voiceSeconds));
        });
        List<MemberName> memberNames = new ArrayList<>(takenNames.size());
        takenNames.forEach((k, n) -> memberNames.add(new MemberName(k.guild, k.user, n)));
        return new ActivityBatch(days, memberNames);
    }

    private void restore(ActivityBatch batch) {
        synchronized (lock) {
            for (DailyActivity d : batch.days()) {
                Counts c = counts(d.guildId(), d.userId(), d.day());
                c.messages += d.messages();
                c.voiceSeconds += d.voiceSeconds();
            }
            for (MemberName n : batch.names()) names.putIfAbsent(new MemberKey(n.guildId(), n.userId()), n.name());
        }
    }

    // ---- voice rules -------------------------------------------------------------------------

    private void recompute(GuildState state, long guild, long channel, Instant now) {
        if (channel == 0) return;
        int nonBots = 0;
        for (MemberVoice m : state.voice.values()) if (m.channel == channel && !m.bot) nonBots++;
        boolean conversation = nonBots >= 2 && channel != state.afk;
        for (MemberVoice m : state.voice.values()) {
            if (m.channel == channel) apply(state, guild, m, conversation && !m.bot && !m.deafened, now);
        }
    }

    private void apply(GuildState state, long guild, MemberVoice m, boolean counting, Instant now) {
        if (counting && m.since == null) {
            m.since = now;
        } else if (!counting && m.since != null) {
            accrue(state, guild, m, m.since, now);
            m.since = null;
        }
    }

    /**
     * Adds the whole seconds between {@code from} and {@code to} to the member's days, split at local
     * midnights, and returns where counting resumes (the sub-second rest carries over).
     */
    private Instant accrue(GuildState state, long guild, MemberVoice m, Instant from, Instant to) {
        long seconds = Duration.between(from, to).getSeconds();
        if (seconds <= 0) return from;
        Instant end = from.plusSeconds(seconds);
        ZoneId zone = zone(state, guild, to.toEpochMilli());
        Instant cursor = from;
        long left = seconds;
        while (left > 0) {
            LocalDate day = cursor.atZone(zone).toLocalDate();
            Instant midnight = day.plusDays(1).atStartOfDay(zone).toInstant();
            long part = midnight.isBefore(end)
                    ? Math.min(left, Duration.between(cursor, midnight).getSeconds())
                    : left;
            if (part <= 0) part = Math.min(left, 1);
            counts(guild, m.user, day).voiceSeconds += part;
            left -= part;
            cursor = cursor.plusSeconds(part);
        }
        return end;
    }

    // ---- bookkeeping -------------------------------------------------------------------------

    private GuildState guild(long guild) {
        return guilds.computeIfAbsent(guild, g -> new GuildState());
    }

    private ZoneId zone(GuildState state, long guild, long nowMillis) {
        if (state.zone == null
                || nowMillis - state.zoneCheckedAt > ZONE_RECHECK_MILLIS
                || nowMillis < state.zoneCheckedAt) {
            ZoneId zone = Objects.requireNonNull(zones.zoneOf(Snowflake.of(guild)), "zone");
            if (!zone.equals(state.zone)) {
                state.zone = zone;
                state.dayEnd = Long.MIN_VALUE; // recompute the cached day
            }
            state.zoneCheckedAt = nowMillis;
        }
        return state.zone;
    }

    private LocalDate dayOf(GuildState state, long guild, long nowMillis) {
        ZoneId zone = zone(state, guild, nowMillis);
        if (nowMillis < state.dayStart || nowMillis >= state.dayEnd) {
            LocalDate day = Instant.ofEpochMilli(nowMillis).atZone(zone).toLocalDate();
            state.day = day;
            state.dayStart = day.atStartOfDay(zone).toInstant().toEpochMilli();
            state.dayEnd = day.plusDays(1).atStartOfDay(zone).toInstant().toEpochMilli();
        }
        return state.day;
    }

    private Counts counts(long guild, long user, LocalDate day) {
        return counts.computeIfAbsent(new DayKey(guild, user, day), k -> new Counts());
    }

    private void rememberName(long guild, long user, String name) {
        if (name == null) return;
        MemberKey key = new MemberKey(guild, user);
        if (name.equals(storedNames.get(key))) {
            names.remove(key);
            return;
        }
        names.put(key, name);
    }

    private record DayKey(long guild, long user, LocalDate day) {}

    private record MemberKey(long guild, long user) {}

    private static final class Counts {
        long messages;
        long voiceSeconds;
    }

    private static final class GuildState {
        ZoneId zone;
        long zoneCheckedAt;
        LocalDate day;
        long dayStart = Long.MAX_VALUE;
        long dayEnd = Long.MIN_VALUE;
        long afk;
        final HashMap<Long, MemberVoice> voice = new HashMap<>();
    }

    private static final class MemberVoice {
        final long user;
        String name;
        boolean bot;
        long channel;
        boolean deafened;
        /** When the current counted stretch started (whole seconds already added are skipped); null when not counting. */
        Instant since;

        MemberVoice(long user) {
            this.user = user;
        }
    }

    public static final class Builder {
        private final ActivityStore store;
        private final GuildTimeZones zones;
        private final Clock clock;
        private Duration flushInterval = DEFAULT_FLUSH_INTERVAL;

        private Builder(ActivityStore store, GuildTimeZones zones, Clock clock) {
            this.store = Objects.requireNonNull(store, "store");
            this.zones = Objects.requireNonNull(zones, "zones");
            this.clock = Objects.requireNonNull(clock, "clock");
        }

        /** How often counts are written; also the most a crash can lose. Default 5 s. */
        public Builder flushInterval(Duration v) {
            if (v == null || v.isNegative() || v.isZero())
                throw new IllegalArgumentException("flushInterval must be positive, was " + v);
            if (v.compareTo(Duration.ofMinutes(10)) > 0)
                throw new IllegalArgumentException("flushInterval above 10 min risks losing too much on a crash: " + v);
            flushInterval = v;
            return this;
        }

        public ActivityAggregator build() {
            return new ActivityAggregator(this);
        }
    }
}
