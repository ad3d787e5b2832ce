package com.valoratbot.core.command;

import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The actions of the dashboard's contract, by their wire name.
 *
 * <p>{@code idempotent} decides what happens to a command whose worker died mid-run: running an
 * idempotent one again is harmless (a listing, setting a slowmode to a value), while running a
 * purge or an announcement twice is not, so those end as {@code interrupted} instead.
 */
public enum Action {
    LIST_TEXT_CHANNELS("listTextChannels", true),
    LIST_VOICE_CHANNELS("listVoiceChannels", true),
    PURGE("purge", false),
    SLOWMODE("slowmode", true),
    LOCK("lock", true),
    UNLOCK("unlock", true),
    ANNOUNCE("announce", false),
    SCHEDULE_ANNOUNCE("schedule_announce", false),
    LIST_SCHEDULED("list_scheduled", true),
    CANCEL_SCHEDULED("cancel_scheduled", true),
    SCHEDULE_LEADERBOARD("schedule_leaderboard", true),
    POST_LEADERBOARD("post_leaderboard", false),
    GET_LEADERBOARD("getLeaderboard", true),
    PLAY("play", false),
    PAUSE("pause", true),
    RESUME("resume", true),
    SKIP("skip", false),
    STOP("stop", true),
    GET_QUEUE("getQueue", true),
    REMOVE_FROM_QUEUE("removeFromQueue", false);

    private static final Map<String, Action> BY_WIRE_NAME =
            Arrays.stream(values()).collect(Collectors.toUnmodifiableMap(Action::wireName, Function.identity()));

    private final String wireName;
    private final boolean idempotent;

    Action(String wireName, boolean idempotent) {
        this.wireName = wireName;
        this.idempotent = idempotent;
    }

    public String wireName() {
        return wireName;
    }

    public boolean idempotent() {
        return idempotent;
    }

    public static Optional<Action> fromWireName(String name) {
        return Optional.ofNullable(name == null ? null : BY_WIRE_NAME.get(name.strip()));
    }
}
