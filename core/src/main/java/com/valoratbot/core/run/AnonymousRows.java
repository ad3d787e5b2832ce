package com.valoratbot.core.run;

import com.valoratbot.core.command.Announcement;
import com.valoratbot.core.command.Announcement.MentionKind;
import com.valoratbot.core.command.Command;
import com.valoratbot.core.command.Command.*;
import com.valoratbot.core.result.ErrorCode;
import com.valoratbot.core.result.Failure;
import com.valoratbot.core.result.Text;

import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * What a row that names no requester may run. The dashboard's own table ({@code command_queue}) has
 * no {@code requested_by} column, and its insert route checks nothing, so the worker is the last line:
 * without a requester there is nobody whose Discord permissions could be checked, and the operator
 * chooses how much such rows may do ({@code VALORATBOT_ANONYMOUS_ROWS}). Each level allows less than
 * the one before it.
 */
public enum AnonymousRows {
    /** Everything, @everyone and role pings included: only for a table nobody but trusted code can write. */
    ALL("all"),
    /** The default, so today's dashboard keeps working: everything but pinging @everyone, @here or roles. */
    ALL_BUT_MASS_MENTIONS("all-but-mass-mentions"),
    /** Also no purge, slowmode, lock or unlock. */
    NO_MODERATION("no-moderation"),
    /** Only what changes nothing: listings, leaderboard standings, the music queue. */
    READ_ONLY("read-only");

    public static final AnonymousRows DEFAULT = ALL_BUT_MASS_MENTIONS;

    private final String wireName;

    AnonymousRows(String wireName) {
        this.wireName = wireName;
    }

    public String wireName() {
        return wireName;
    }

    /** What this level lets an anonymous row do, in words for the worker's start-up log. */
    public String summary() {
        return switch (this) {
            case ALL -> "every action, @everyone/@here and role pings included";
            case ALL_BUT_MASS_MENTIONS -> "every action (purge, lock, slowmode included) except @everyone/@here and role pings";
            case NO_MODERATION -> "announcements, schedules, leaderboards and music, but no purge, slowmode, lock, unlock or mass pings";
            case READ_ONLY -> "listings only (channels, schedules, leaderboard standings, the music queue)";
        };
    }

    /** @throws IllegalArgumentException naming the levels, for a misspelt setting */
    public static AnonymousRows parse(String text) {
        String t = text.strip().toLowerCase(Locale.ROOT);
        return Arrays.stream(values()).filter(v -> v.wireName.equals(t)).findFirst().orElseThrow(() -> new IllegalArgumentException(
                "VALORATBOT_ANONYMOUS_ROWS must be one of " + String.join(", ", Arrays.stream(values()).map(AnonymousRows::wireName).toList())
                        + ", was '" + text + "'"));
    }

    /** Empty when an anonymous row may run {@code command}; otherwise the {@code forbidden} failure saying how to fix it. */
    public Optional<Failure> refusal(Command command) {
        return refusal(command.action().wireName(), kind(command));
    }

    /**
     * As {@link #refusal(Command)} for a custom action of {@code risk}; one that asks a permission of
     * the requester is always refused: nobody here could hold it.
     */
    public Optional<Failure> refusal(String wireName, Kind risk, boolean asksRequester) {
        if (asksRequester) return Optional.of(new Failure(ErrorCode.FORBIDDEN, Text.of("anonymous.requester_check", wireName), Map.of()));
        return refusal(wireName, risk);
    }

    private Optional<Failure> refusal(String action, Kind kind) {
        if (kind == Kind.MASS_MENTION && this != ALL) {
            return Optional.of(new Failure(ErrorCode.FORBIDDEN, Text.of("anonymous.mass_mentions", wireName), Map.of()));
        }
        boolean allowed = switch (this) {
            case ALL, ALL_BUT_MASS_MENTIONS -> true;
            case NO_MODERATION -> kind != Kind.MODERATION;
            case READ_ONLY -> kind == Kind.READ;
        };
        return allowed ? Optional.empty()
                : Optional.of(new Failure(ErrorCode.FORBIDDEN, Text.of("anonymous.not_allowed", action, wireName), Map.of()));
    }

    /** What a command does, from the least to the most dangerous in a stranger's hands. */
    public enum Kind {
        /** Changes nothing: listings, standings. */
        READ,
        /** Changes something the guild's members see, as an announcement or the music does. */
        WRITE,
        /** Acts on members or channels, as purge, slowmode, lock and unlock do. */
        MODERATION,
        /** Pings a whole server at once: never for an anonymous row below {@link #ALL}. */
        MASS_MENTION
    }

    static Kind kind(Command command) {
        return switch (command) {
            case ListTextChannels c -> Kind.READ;
            case ListVoiceChannels c -> Kind.READ;
            case ListScheduled c -> Kind.READ;
            case GetLeaderboard c -> Kind.READ;
            case GetQueue c -> Kind.READ;
            case Purge c -> Kind.MODERATION;
            case Slowmode c -> Kind.MODERATION;
            case Lock c -> Kind.MODERATION;
            case Unlock c -> Kind.MODERATION;
            case Announce c -> announcement(c.announcement());
            case ScheduleAnnounce c -> announcement(c.announcement());
            case CancelScheduled c -> Kind.WRITE;
            case ScheduleLeaderboard c -> Kind.WRITE;
            case PostLeaderboard c -> Kind.WRITE;
            case Play c -> Kind.WRITE;
            case Pause c -> Kind.WRITE;
            case Resume c -> Kind.WRITE;
            case Skip c -> Kind.WRITE;
            case Stop c -> Kind.WRITE;
            case RemoveFromQueue c -> Kind.WRITE;
        };
    }

    /** @everyone/@here and role pings reach a whole server at once: nobody anonymous may send them. */
    private static Kind announcement(Announcement a) {
        return a.allowedMentions().contains(MentionKind.EVERYONE) || a.allowedMentions().contains(MentionKind.ROLES)
                ? Kind.MASS_MENTION : Kind.WRITE;
    }
}
