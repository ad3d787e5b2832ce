package com.valoratbot.core.port.schedule;

import com.valoratbot.core.command.Snowflake;
import com.valoratbot.core.schedule.ScheduledStatus;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Where scheduled announcements are kept until they are sent, and their outcomes after. The stored
 * row is the truth of an announcement; every change of status is conditional on the status it
 * leaves ({@code from}), so two workers, or a cancel and a send, never both win.
 */
public interface AnnouncementStore {

    /** How many of the guild's announcements are pending or sending. */
    int countUnfinished(Snowflake guildId);

    /**
     * Stores a pending announcement, once per command: a command run again (its worker died after
     * storing it) gets the id stored the first time.
     *
     * @return the id, or empty when the command id already stored an announcement of another guild
     */
    Optional<String> addOnce(NewAnnouncement announcement);

    /** Deletes the announcement if it is still pending (taking back what could not be scheduled). */
    void forget(String id);

    /**
     * The guild's pending and sending announcements (soonest first), then those finished since
     * {@code finishedSince} (latest first), at most {@code limit}.
     */
    List<StoredAnnouncement> listed(Snowflake guildId, Instant finishedSince, int limit);

    Optional<StoredAnnouncement> find(String id);

    /** The status of the guild's announcement {@code id}; empty when the guild has none by that id. */
    Optional<ScheduledStatus> statusOf(String id, Snowflake guildId);

    /** pending → cancelled at {@code at}; false when it is not the guild's or not pending. */
    boolean cancel(String id, Snowflake guildId, Instant at);

    /** pending → sending, committed before the Discord call; false when it is no longer pending. */
    boolean markSending(String id, Instant at, String workerName);

    /** {@code from} → the outcome's status, at {@code at}; nothing when the row is no longer {@code from}. */
    void finish(String id, ScheduledStatus from, Outcome outcome, Instant at);

    /** The id and time of every pending or sending announcement: what a start-up repair needs. */
    List<Due> unfinished();

    /**
     * @param announcementJson the announcement in {@link com.valoratbot.core.schedule.AnnouncementJson}'s form
     */
    record NewAnnouncement(
            String commandId,
            Snowflake guildId,
            Snowflake channelId,
            String announcementJson,
            Instant scheduledFor,
            ZoneId zone,
            Optional<Snowflake> requestedBy,
            Instant createdAt) {
        public NewAnnouncement {
            Objects.requireNonNull(commandId, "commandId");
            Objects.requireNonNull(requestedBy, "requestedBy");
        }
    }

    /**
     * @param messageId     the posted message once {@code sent}
     * @param failureReason the rendered reason of {@code failed} and {@code missed}
     */
    record StoredAnnouncement(
            String id,
            Snowflake guildId,
            Snowflake channelId,
            Instant scheduledFor,
            String announcementJson,
            ScheduledStatus status,
            Optional<Snowflake> messageId,
            Optional<String> failureReason) {}

    /**
     * An announcement's end.
     *
     * @param code   the failure's stable code (a {@code result.code}, or {@code missed}); null when sent
     * @param reason the rendered reason; null when sent
     */
    record Outcome(ScheduledStatus status, Optional<Snowflake> messageId, String code, String reason) {
        public Outcome {
            if (!status.isFinal()) throw new IllegalArgumentException("an outcome is a final status, not " + status);
        }

        public static Outcome sent(Snowflake messageId) {
            return new Outcome(ScheduledStatus.SENT, Optional.of(messageId), null, null);
        }

        public static Outcome unsent(ScheduledStatus status, String code, String reason) {
            return new Outcome(status, Optional.empty(), code, reason);
        }
    }

    record Due(String id, Instant scheduledFor) {}
}
