package com.valoratbot.core.run;

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
            case ALL_BUT_MASS_MENTIONS ->
                "every action (purge, lock, slowmode included) except @everyone/@here and role pings";
            case NO_MODERATION ->
                "announcements, schedules, leaderboards and music, but no purge, slowmode, lock, unlock or mass pings";
            case READ_ONLY -> "listings only (channels, schedules, leaderboard standings, the music queue)";
        };
    }

    /** @throws IllegalArgumentException naming the levels, for a misspelt setting */
    public static AnonymousRows parse(String text) {
        String t = text.strip().toLowerCase(Locale.ROOT);
        return Arrays.stream(values())
                .filter(v -> v.wireName.equals(t))
                .findFirst()
                .orElseThrow(() -> new IllegalArgumentException("VALORATBOT_ANONYMOUS_ROWS must be one of "
                        + String.join(
                                ", ",
                                Arrays.stream(values())
                                        .map(AnonymousRows::wireName)
                                        .toList()) + ", was '" + text + "'"));
    }

    /**
     * For a custom action of {@code risk}: one that asks a permission of the requester is always
     * refused, since nobody here could hold it; otherwise as {@link #refusal(String, Kind)}.
     */
    public Optional<Failure> refusal(String wireName, Kind risk, boolean asksRequester) {
        if (asksRequester)
            return Optional.of(
                    new Failure(ErrorCode.FORBIDDEN, Text.of("anonymous.requester_check", wireName), Map.of()));
        return refusal(wireName, risk);
    }

    /** Empty when an anonymous row may run {@code action}, of {@code kind}; otherwise the {@code forbidden} failure saying how to fix it. */
    public Optional<Failure> refusal(String action, Kind kind) {
        if (kind == Kind.MASS_MENTION && this != ALL) {
            return Optional.of(
                    new Failure(ErrorCode.FORBIDDEN, Text.of("anonymous.mass_mentions", wireName), Map.of()));
        }
        boolean allowed = switch (this) {
            case ALL, ALL_BUT_MASS_MENTIONS -> true;
            case NO_MODERATION -> kind != Kind.MODERATION;
            case READ_ONLY -> kind == Kind.READ;
        };
        return allowed
                ? Optional.empty()
                : Optional.of(
                        new Failure(ErrorCode.FORBIDDEN, Text.of("anonymous.not_allowed", action, wireName), Map.of()));
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
}
