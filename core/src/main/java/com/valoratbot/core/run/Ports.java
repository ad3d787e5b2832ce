package com.valoratbot.core.run;

import com.valoratbot.core.port.*;
import java.util.Objects;

/**
 * The feature ports a deployment provides. Any port left unset answers {@code not_available} at
 * once, so an action whose adapter is missing ends in a clear error instead of a hang.
 */
public record Ports(
        CheckAccess access,
        RateLimitCommands rateLimits,
        ListChannels channels,
        PurgeMessages purge,
        ModerateChannels moderation,
        PostAnnouncements announcements,
        ScheduleAnnouncements scheduling,
        Leaderboards leaderboards,
        PlayMusic music) {

    public Ports {
        Objects.requireNonNull(access, "access");
        Objects.requireNonNull(rateLimits, "rateLimits");
        Objects.requireNonNull(channels, "channels");
        Objects.requireNonNull(purge, "purge");
        Objects.requireNonNull(moderation, "moderation");
        Objects.requireNonNull(announcements, "announcements");
        Objects.requireNonNull(scheduling, "scheduling");
        Objects.requireNonNull(leaderboards, "leaderboards");
        Objects.requireNonNull(music, "music");
    }

    public static Builder builder() {
        return new Builder();
    }

    public static final class Builder {
        private CheckAccess access = Unavailable.ACCESS;
        private RateLimitCommands rateLimits = RateLimitCommands.unlimited();
        private ListChannels channels = Unavailable.port(ListChannels.class);
        private PurgeMessages purge = Unavailable.port(PurgeMessages.class);
        private ModerateChannels moderation = Unavailable.port(ModerateChannels.class);
        private PostAnnouncements announcements = Unavailable.port(PostAnnouncements.class);
        private ScheduleAnnouncements scheduling = Unavailable.port(ScheduleAnnouncements.class);
        private Leaderboards leaderboards = Unavailable.port(Leaderboards.class);
        private PlayMusic music = Unavailable.port(PlayMusic.class);

        public Builder access(CheckAccess v) {
            access = v;
            return this;
        }

        public Builder rateLimits(RateLimitCommands v) {
            rateLimits = v;
            return this;
        }

        public Builder channels(ListChannels v) {
            channels = v;
            return this;
        }

        public Builder purge(PurgeMessages v) {
            purge = v;
            return this;
        }

        public Builder moderation(ModerateChannels v) {
            moderation = v;
            return this;
        }

        public Builder announcements(PostAnnouncements v) {
            announcements = v;
            return this;
        }

        public Builder scheduling(ScheduleAnnouncements v) {
            scheduling = v;
            return this;
        }

        /** Every port {@code session} serves: access, rate limits, channels, purge, moderation, announcements. */
        public Builder discord(DiscordSessionPorts session) {
            return access(session.access())
                    .rateLimits(session.rateLimits())
                    .channels(session.channels())
                    .purge(session.purge())
                    .moderation(session.moderation())
                    .announcements(session.announcements());
        }

        public Builder leaderboards(Leaderboards v) {
            leaderboards = v;
            return this;
        }

        public Builder music(PlayMusic v) {
            music = v;
            return this;
        }

        public Ports build() {
            return new Ports(
                    access, rateLimits, channels, purge, moderation, announcements, scheduling, leaderboards, music);
        }
    }
}
