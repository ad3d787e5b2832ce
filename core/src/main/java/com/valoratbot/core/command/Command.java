package com.valoratbot.core.command;

import java.util.Optional;

/**
 * A validated command of the dashboard's contract. Every action is one record here, and every
 * place that acts on commands switches over this sealed type without a {@code default} branch, so
 * adding an action makes the compiler list each place that must learn about it.
 */
public sealed interface Command {

    Action action();

    record ListTextChannels() implements Command {
        public Action action() {
            return Action.LIST_TEXT_CHANNELS;
        }
    }

    record ListVoiceChannels() implements Command {
        public Action action() {
            return Action.LIST_VOICE_CHANNELS;
        }
    }

    /**
     * {@code count} deletes the {@code amount} newest messages; {@code users} and {@code bots}
     * look at the same {@code amount} newest messages and delete only those written by non-bots,
     * respectively bots. Reading "the N newest, filtered" rather than "N matching messages" bounds
     * the work to what the moderator saw on screen.
     */
    record Purge(Snowflake channelId, int amount, PurgeMode mode) implements Command {
        public static final int DEFAULT_MAX_AMOUNT = 1000;

        public Action action() {
            return Action.PURGE;
        }
    }

    enum PurgeMode {
        COUNT("count"),
        USERS("users"),
        BOTS("bots");

        private final String wireName;

        PurgeMode(String wireName) {
            this.wireName = wireName;
        }

        public String wireName() {
            return wireName;
        }
    }

    /** Discord caps {@code rate_limit_per_user} at 21600 s (6 h); 0 turns slowmode off. */
    record Slowmode(Snowflake channelId, int durationSeconds) implements Command {
        public static final int MAX_SECONDS = 21_600;

        public Action action() {
            return Action.SLOWMODE;
        }
    }

    record Lock(Snowflake channelId) implements Command {
        public Action action() {
            return Action.LOCK;
        }
    }

    record Unlock(Snowflake channelId) implements Command {
        public Action action() {
            return Action.UNLOCK;
        }
    }

    record Announce(Announcement announcement) implements Command {
        public Action action() {
            return Action.ANNOUNCE;
        }
    }

    record ScheduleAnnounce(Announcement announcement, ScheduledTime scheduledFor) implements Command {
        public Action action() {
            return Action.SCHEDULE_ANNOUNCE;
        }
    }

    record ListScheduled() implements Command {
        public Action action() {
            return Action.LIST_SCHEDULED;
        }
    }

    record CancelScheduled(String scheduledId) implements Command {
        public Action action() {
            return Action.CANCEL_SCHEDULED;
        }
    }

    /** {@code dayOfWeek} follows JavaScript's {@code Date.getDay()}: 0 is Sunday. */
    record ScheduleLeaderboard(Snowflake channelId, int trackDays, int dayOfWeek, int hour) implements Command {
        public static final int DEFAULT_TRACK_DAYS = 7;
        public static final int MAX_TRACK_DAYS = 90;

        public Action action() {
            return Action.SCHEDULE_LEADERBOARD;
        }

        public java.time.DayOfWeek javaDayOfWeek() {
            return dayOfWeek == 0 ? java.time.DayOfWeek.SUNDAY : java.time.DayOfWeek.of(dayOfWeek);
        }
    }

    /** Without {@code trackDays}, the guild's schedule's period is used, else 7 days. */
    record PostLeaderboard(Snowflake channelId, Optional<Integer> trackDays) implements Command {
        public Action action() {
            return Action.POST_LEADERBOARD;
        }
    }

    record GetLeaderboard(Optional<Integer> trackDays) implements Command {
        public Action action() {
            return Action.GET_LEADERBOARD;
        }
    }

    record Play(String query, Snowflake voiceChannelId) implements Command {
        public static final int MAX_QUERY = 500;

        public Action action() {
            return Action.PLAY;
        }
    }

    record Pause() implements Command {
        public Action action() {
            return Action.PAUSE;
        }
    }

    record Resume() implements Command {
        public Action action() {
            return Action.RESUME;
        }
    }

    record Skip() implements Command {
        public Action action() {
            return Action.SKIP;
        }
    }

    record Stop() implements Command {
        public Action action() {
            return Action.STOP;
        }
    }

    record GetQueue() implements Command {
        public Action action() {
            return Action.GET_QUEUE;
        }
    }

    /** {@code index} is 0-based into {@code getQueue}'s {@code queue} (the now-playing track excluded). */
    record RemoveFromQueue(int index) implements Command {
        public Action action() {
            return Action.REMOVE_FROM_QUEUE;
        }
    }
}
