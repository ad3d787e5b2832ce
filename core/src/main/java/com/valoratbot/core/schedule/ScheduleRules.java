package com.valoratbot.core.schedule;

import com.valoratbot.core.command.ScheduledTime;
import com.valoratbot.core.result.ErrorCode;
import com.valoratbot.core.result.Failure;
import com.valoratbot.core.result.Result;
import com.valoratbot.core.result.Text;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Map;
import java.util.Objects;

/**
 * When a scheduled job is valid and what happens when it comes due, kept apart from storage so every
 * scheduler applies the same rules.
 */
public final class ScheduleRules {

    /** A time up to this far in the past is accepted (and sent at once): the dashboard's clock, a slow queue. */
    public static final Duration PAST_TOLERANCE = Duration.ofMinutes(1);
    /** How late a job may still go out after the bot was down; later ones are marked missed. */
    public static final Duration DEFAULT_GRACE = Duration.ofHours(1);

    public static final ZoneId DEFAULT_ZONE = ZoneId.of("Europe/Paris");
    /** How far ahead an announcement may be scheduled by default: a year covers every yearly event. */
    public static final Duration DEFAULT_HORIZON = Duration.ofDays(366);
    /** The most a horizon may be set to: ten years, far inside what the database's timestamps hold. */
    public static final Duration MAX_HORIZON = Duration.ofDays(3660);
    /** Pending scheduled announcements per guild by default: generous for a community, small for a table flood. */
    public static final int DEFAULT_MAX_PENDING = 100;

    private static final DateTimeFormatter SHOWN = DateTimeFormatter.ofPattern("uuuu-MM-dd HH:mm");

    private ScheduleRules() {}

    /**
     * The instant a dashboard's {@code scheduledFor} means: a zone-less time is read in the guild's
     * zone; a time more than {@link #PAST_TOLERANCE} ago is {@code invalid_payload} ({@code scheduled_in_past}).
     */
    public static Result<Instant> resolve(ScheduledTime time, ZoneId guildZone, Instant now) {
        return resolve(time, guildZone, now, MAX_HORIZON);
    }

    /**
     * As {@link #resolve(ScheduledTime, ZoneId, Instant)}, and a time more than {@code horizon} ahead
     * is {@code invalid_payload} ({@code scheduled_too_far}).
     */
    public static Result<Instant> resolve(ScheduledTime time, ZoneId guildZone, Instant now, Duration horizon) {
        Objects.requireNonNull(time, "time");
        Instant at;
        try {
            at = time.resolve(guildZone);
        } catch (java.time.DateTimeException outOfRange) {
            // The parser keeps years in 1970..9999; this only guards a ScheduledTime built elsewhere.
            return Result.err(new Failure(
                    ErrorCode.INVALID_PAYLOAD,
                    Text.of("scheduled_too_far", String.valueOf(time), horizon.toDays()),
                    Map.of()));
        }
        String shown;
        String zone;
        switch (time) {
            case ScheduledTime.Local l -> {
                shown = SHOWN.format(l.dateTime());
                zone = guildZone.getId();
            }
            case ScheduledTime.Absolute a -> {
                shown = SHOWN.format(a.dateTime());
                zone = a.dateTime().getOffset().getId();
            }
        }
        if (at.isBefore(now.minus(PAST_TOLERANCE))) {
            return Result.err(
                    new Failure(ErrorCode.INVALID_PAYLOAD, Text.of("scheduled_in_past", shown, zone), Map.of()));
        }
        if (at.isAfter(now.plus(horizon))) {
            return Result.err(new Failure(
                    ErrorCode.INVALID_PAYLOAD,
                    Text.of("scheduled_too_far", shown + " (" + zone + ")", horizon.toDays()),
                    Map.of()));
        }
        return Result.ok(at);
    }

    /** What a worker does with a job due at {@code dueAt} that it runs at {@code now}. */
    public static Due onDue(Instant dueAt, Instant now, Duration grace) {
        return Duration.between(dueAt, now).compareTo(grace) > 0 ? Due.MISSED : Due.SEND;
    }

    public enum Due {
        SEND,
        MISSED
    }

    /**
     * What a worker does with a job that came due, the same for every scheduled job: a worker that
     * does not hold the guild leaves it to one that does while it is within the grace; later than the
     * grace it is missed, saying whether no worker held the guild or the bot was down.
     */
    public static Turn turn(boolean holdsGuild, Instant dueAt, Instant now, Duration grace) {
        boolean late = onDue(dueAt, now, grace) == Due.MISSED;
        if (late)
            return new Turn.Missed(Text.of(holdsGuild ? "scheduled.missed" : "scheduled.no_worker", grace.toMinutes()));
        return holdsGuild ? new Turn.Go() : new Turn.HandOff();
    }

    /** The outcome of {@link #turn}. */
    public sealed interface Turn {

        /** Run it now. */
        record Go() implements Turn {}

        /** Leave it to the worker that holds the guild: offer it again shortly. */
        record HandOff() implements Turn {}

        /** Too late: record it missed with this reason, never send it. */
        record Missed(Text reason) implements Turn {}
    }

    /** A grace must be positive and finite enough to be stored. */
    public static Duration checkGrace(Duration grace) {
        if (grace == null || grace.isNegative() || grace.isZero())
            throw new IllegalArgumentException("grace must be positive, was " + grace);
        return grace;
    }
}
