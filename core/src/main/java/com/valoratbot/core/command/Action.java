package com.valoratbot.core.command;

import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The actions of the dashboard's contract, by their wire name.
 *
 * <p>What each one needs and does (idempotency, channels, permissions, result) is decided in one
 * place, {@code core.run.BuiltInActions}, by exhaustive switches the compiler checks.
 */
public enum Action {
    LIST_TEXT_CHANNELS("listTextChannels"),
    LIST_VOICE_CHANNELS("listVoiceChannels"),
    PURGE("purge"),
    SLOWMODE("slowmode"),
    LOCK("lock"),
    UNLOCK("unlock"),
    ANNOUNCE("announce"),
    SCHEDULE_ANNOUNCE("schedule_announce"),
    LIST_SCHEDULED("list_scheduled"),
    CANCEL_SCHEDULED("cancel_scheduled"),
    SCHEDULE_LEADERBOARD("schedule_leaderboard"),
    POST_LEADERBOARD("post_leaderboard"),
    GET_LEADERBOARD("getLeaderboard"),
    PLAY("play"),
    PAUSE("pause"),
    RESUME("resume"),
    SKIP("skip"),
    STOP("stop"),
    GET_QUEUE("getQueue"),
    REMOVE_FROM_QUEUE("removeFromQueue");

    private static final Map<String, Action> BY_WIRE_NAME =
            Arrays.stream(values()).collect(Collectors.toUnmodifiableMap(Action::wireName, Function.identity()));

    private final String wireName;

    Action(String wireName) {
        this.wireName = wireName;
    }

    public String wireName() {
        return wireName;
    }

    public static Optional<Action> fromWireName(String name) {
        return Optional.ofNullable(name == null ? null : BY_WIRE_NAME.get(name.strip()));
    }
}
