package com.valoratbot.core.run;

import static com.valoratbot.core.port.DiscordPermission.*;

import com.valoratbot.core.command.Action;
import com.valoratbot.core.command.Announcement;
import com.valoratbot.core.command.Announcement.MentionKind;
import com.valoratbot.core.command.Command;
import com.valoratbot.core.command.Command.*;
import com.valoratbot.core.command.Snowflake;
import com.valoratbot.core.port.AccessRequirements;
import com.valoratbot.core.port.ChannelKind;
import com.valoratbot.core.port.CommandContext;
import com.valoratbot.core.port.DiscordPermission;
import com.valoratbot.core.port.Leaderboards;
import com.valoratbot.core.port.ListChannels.ChannelSummary;
import com.valoratbot.core.port.PlayMusic;
import com.valoratbot.core.port.ScheduleAnnouncements.ScheduledAnnouncement;
import com.valoratbot.core.result.Result;
import com.valoratbot.core.run.AnonymousRows.Kind;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * Every built-in action's policy in one place: whether it may run again after its worker died,
 * its channels and their kind, the permissions the bot and the requester need, what it could do in
 * a stranger's hands (for anonymous rows), which port runs it, and the shape of its result (a
 * record serialized next to {@code "ok": true}, in the contract's key names and order).
 *
 * <p>Both switches are exhaustive and have no {@code default}: adding an {@link Action} or a
 * {@link Command} record makes the compiler point here. The docs' tables are checked against these
 * switches by {@code ActionDocsTest}.
 */
final class BuiltInActions {

    private BuiltInActions() {}

    /**
     * Running an idempotent action again is harmless (a listing, setting a slowmode to a value);
     * running a purge or an announcement twice is not, so those end {@code interrupted} when their
     * worker died after they may have reached Discord.
     */
    static boolean idempotent(Action action) {
        return switch (action) {
            case LIST_TEXT_CHANNELS,
                    LIST_VOICE_CHANNELS,
                    SLOWMODE,
                    LOCK,
                    UNLOCK,
                    LIST_SCHEDULED,
                    CANCEL_SCHEDULED,
                    SCHEDULE_LEADERBOARD,
                    GET_LEADERBOARD,
                    PAUSE,
                    RESUME,
                    STOP,
                    GET_QUEUE -> true;
            case PURGE, ANNOUNCE, SCHEDULE_ANNOUNCE, POST_LEADERBOARD, PLAY, SKIP, REMOVE_FROM_QUEUE -> false;
        };
    }

    /** What one validated command needs, how risky it is without a requester, and how it runs. */
    record Policy(AccessRequirements access, Kind risk, Run run) {}

    /** Calls the command's port and shapes its result. */
    interface Run {
        Result<? extends Record> on(Ports ports, CommandContext context);
    }

    static Policy of(Command command) {
        return switch (command) {
            case ListTextChannels c ->
                new Policy(
                        AccessRequirements.NONE,
                        Kind.READ,
                        (p, x) -> p.channels().textChannels(x).map(Channels::new));
            case ListVoiceChannels c ->
                new Policy(
                        AccessRequirements.NONE,
                        Kind.READ,
                        (p, x) -> p.channels().voiceChannels(x).map(Channels::new));
            case Purge c ->
                new Policy(
                        in(
                                c.channelId(),
                                ChannelKind.TEXT,
                                Set.of(VIEW_CHANNEL, READ_MESSAGE_HISTORY, MANAGE_MESSAGES),
                                Set.of(MANAGE_MESSAGES)),
                        Kind.MODERATION,
                        (p, x) -> p.purge().purge(x, c).map(r -> new Purged(r.deleted(), r.skipped())));
            // Announcement channels have no slowmode on Discord.
            case Slowmode c ->
                new Policy(
                        in(
                                c.channelId(),
                                ChannelKind.TEXT_ONLY,
                                Set.of(VIEW_CHANNEL, MANAGE_CHANNELS),
                                Set.of(MANAGE_CHANNELS)),
                        Kind.MODERATION,
                        (p, x) -> p.moderation().slowmode(x, c).map(done -> OK));
            case Lock c ->
                new Policy(
                        editsOverwrites(c.channelId()),
                        Kind.MODERATION,
                        (p, x) -> p.moderation().lock(x, c).map(done -> OK));
            case Unlock c ->
                new Policy(
                        editsOverwrites(c.channelId()),
                        Kind.MODERATION,
                        (p, x) -> p.moderation().unlock(x, c).map(done -> OK));
            case Announce c ->
                new Policy(
                        announce(c.announcement()),
                        risk(c.announcement()),
                        (p, x) -> p.announcements()
                                .announce(x, c.announcement())
                                .map(id -> new MessageId(id.toString())));
            case ScheduleAnnounce c ->
                new Policy(
                        announce(c.announcement()),
                        risk(c.announcement()),
                        (p, x) -> p.scheduling().schedule(x, c).map(ScheduledId::new));
            case ListScheduled c ->
                new Policy(
                        new AccessRequirements(Set.of(), Set.of(MANAGE_GUILD)),
                        Kind.READ,
                        (p, x) -> p.scheduling().pending(x).map(Scheduled::new));
            case CancelScheduled c ->
                new Policy(
                        new AccessRequirements(Set.of(), Set.of(MANAGE_GUILD)),
                        Kind.WRITE,
                        (p, x) -> p.scheduling().cancel(x, c.scheduledId()).map(done -> OK));
            case ScheduleLeaderboard c ->
                new Policy(
                        postsCards(c.channelId()),
                        Kind.WRITE,
                        (p, x) -> p.leaderboards().schedule(x, c).map(next -> new NextRun(next.toString())));
            case PostLeaderboard c ->
                new Policy(
                        postsCards(c.channelId()),
                        Kind.WRITE,
                        (p, x) -> p.leaderboards().post(x, c).map(done -> OK));
            case GetLeaderboard c ->
                new Policy(
                        AccessRequirements.NONE,
                        Kind.READ,
                        (p, x) -> p.leaderboards()
                                .standings(x, c.trackDays())
                                .map(s -> new Standings(s.messages(), s.voice())));
            case Play c ->
                new Policy(
                        in(
                                c.voiceChannelId(),
                                ChannelKind.VOICE,
                                Set.of(VIEW_CHANNEL, CONNECT, SPEAK),
                                Set.of(CONNECT)),
                        Kind.WRITE,
                        (p, x) -> p.music().play(x, c).map(q -> new Queued(TrackCard.of(q.track()), q.position())));
            case Pause c ->
                new Policy(
                        AccessRequirements.NONE,
                        Kind.WRITE,
                        (p, x) -> p.music().pause(x).map(done -> OK));
            case Resume c ->
                new Policy(
                        AccessRequirements.NONE,
                        Kind.WRITE,
                        (p, x) -> p.music().resume(x).map(done -> OK));
            case Skip c ->
                new Policy(
                        AccessRequirements.NONE,
                        Kind.WRITE,
                        (p, x) -> p.music().skip(x).map(done -> OK));
            case Stop c ->
                new Policy(
                        AccessRequirements.NONE,
                        Kind.WRITE,
                        (p, x) -> p.music().stop(x).map(done -> OK));
            case GetQueue c ->
                new Policy(
                        AccessRequirements.NONE,
                        Kind.READ,
                        (p, x) -> p.music()
                                .queue(x)
                                .map(q -> new Queue(
                                        q.nowPlaying().map(NowPlaying::of).orElse(null),
                                        q.queue().stream().map(QueueEntry::of).toList())));
            case RemoveFromQueue c ->
                new Policy(
                        AccessRequirements.NONE,
                        Kind.WRITE,
                        (p, x) -> p.music().removeFromQueue(x, c.index()).map(done -> OK));
        };
    }

    private static AccessRequirements in(
            Snowflake channel, ChannelKind kind, Set<DiscordPermission> bot, Set<DiscordPermission> requester) {
        return new AccessRequirements(List.of(channel), kind, bot, requester);
    }

    /** Lock and unlock: editing an overwrite needs Manage Roles (shown as "Manage Permissions" on a channel). */
    private static AccessRequirements editsOverwrites(Snowflake channel) {
        return in(
                channel,
                ChannelKind.TEXT,
                Set.of(VIEW_CHANNEL, MANAGE_CHANNELS, MANAGE_ROLES),
                Set.of(MANAGE_CHANNELS));
    }

    /** A leaderboard, now or scheduled: a card (an embed with an image file) posted in a text channel. */
    private static AccessRequirements postsCards(Snowflake channel) {
        return in(
                channel,
                ChannelKind.TEXT,
                Set.of(VIEW_CHANNEL, SEND_MESSAGES, EMBED_LINKS, ATTACH_FILES),
                Set.of(MANAGE_GUILD));
    }

    /** Pinging roles reaches as many people as @everyone: the requester needs the same permission for both. */
    private static AccessRequirements announce(Announcement a) {
        EnumSet<DiscordPermission> bot = EnumSet.of(VIEW_CHANNEL, SEND_MESSAGES);
        if (a.embed().isPresent()) bot.add(EMBED_LINKS);
        if (a.allowedMentions().contains(MentionKind.EVERYONE)) bot.add(MENTION_EVERYONE);
        EnumSet<DiscordPermission> requester = EnumSet.of(MANAGE_GUILD);
        if (massMention(a)) requester.add(MENTION_EVERYONE);
        return in(a.channelId(), ChannelKind.TEXT, bot, requester);
    }

    /** @everyone/@here and role pings reach a whole server at once: nobody anonymous may send them. */
    private static Kind risk(Announcement a) {
        return massMention(a) ? Kind.MASS_MENTION : Kind.WRITE;
    }

    private static boolean massMention(Announcement a) {
        return a.allowedMentions().contains(MentionKind.EVERYONE)
                || a.allowedMentions().contains(MentionKind.ROLES);
    }

    // The results, in the contract's key names and order (backend-implementation-guide.md).

    /** {@code {"ok": true}} and nothing else. */
    record Ok() {}

    static final Ok OK = new Ok();

    record Channels(List<ChannelSummary> channels) {}

    record Purged(int deleted, int skipped) {}

    record MessageId(String messageId) {}

    record ScheduledId(String scheduledId) {}

    record Scheduled(List<ScheduledAnnouncement> scheduled) {}

    record NextRun(String nextRunAt) {}

    record Standings(List<Leaderboards.MessageEntry> messages, List<Leaderboards.VoiceEntry> voice) {}

    record Queued(TrackCard track, int position) {}

    /** {@code play}'s card, in the guide's words: artist and thumbnail. */
    record TrackCard(String title, String artist, String thumbnail) {
        static TrackCard of(PlayMusic.Track t) {
            return new TrackCard(t.title(), t.author(), t.artworkUrl());
        }
    }

    /** {@code nowPlaying} is null when nothing plays. */
    record Queue(NowPlaying nowPlaying, List<QueueEntry> queue) {}

    /** {@code getQueue}'s entries, in the key names dashboards read. */
    record QueueEntry(String title, String author, long length, String artworkUrl, String uri) {
        static QueueEntry of(PlayMusic.Track t) {
            return new QueueEntry(t.title(), t.author(), t.lengthMs(), t.artworkUrl(), t.uri());
        }
    }

    /** A queue entry plus where playback is and whether it is paused. */
    record NowPlaying(
            String title, String author, long length, String artworkUrl, String uri, long position, boolean paused) {
        static NowPlaying of(PlayMusic.NowPlaying n) {
            PlayMusic.Track t = n.track();
            return new NowPlaying(
                    t.title(), t.author(), t.lengthMs(), t.artworkUrl(), t.uri(), n.positionMs(), n.paused());
        }
    }
}
