package com.valoratbot.discord.dashboard;

import com.valoratbot.core.command.Snowflake;
import com.valoratbot.core.port.publish.DashboardSource;
import com.valoratbot.core.publish.DashboardPublisher;
import com.valoratbot.core.publish.GuildFigures;
import com.valoratbot.core.publish.GuildListing;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Supplier;
import net.dv8tion.jda.api.JDA;
import net.dv8tion.jda.api.entities.Guild;
import net.dv8tion.jda.api.entities.GuildVoiceState;
import net.dv8tion.jda.api.events.GenericEvent;
import net.dv8tion.jda.api.events.guild.GuildJoinEvent;
import net.dv8tion.jda.api.events.guild.GuildLeaveEvent;
import net.dv8tion.jda.api.events.guild.update.GuildUpdateIconEvent;
import net.dv8tion.jda.api.events.guild.update.GuildUpdateNameEvent;
import net.dv8tion.jda.api.hooks.EventListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The dashboard's figures from the bot's JDA session, and its guild joins, leaves and renames as events.
 *
 * <p>{@code members_online}: the bot has no GUILD_PRESENCES intent (privileged), so no exact online count exists;
 * the figure is Discord's {@code approximate_presence_count} from {@code GET /guilds/{id}?with_counts=true}
 * ({@link Guild#retrieveMetaData()}), one request per guild per snapshot, one after another on the publisher's
 * snapshot thread, each bounded by {@link #META_TIMEOUT}. The same
 * answer's {@code approximate_member_count} gives the member total (the gateway's member_count is not kept up to
 * date without the privileged GUILD_MEMBERS intent); when the request fails the cached count stands and online
 * is left empty. {@code voice_in_channels}: the members, bots excepted, the voice-state cache shows connected to
 * one of the guild's voice or stage channels.
 */
public final class DiscordDashboardSource implements DashboardSource {

    private static final Logger LOG = LoggerFactory.getLogger(DiscordDashboardSource.class);

    /**
     * The longest one {@code GET /guilds/{id}?with_counts=true} may take, queueing behind JDA's rate limiter
     * included; then the guild's snapshot has no online count this round.
     */
    public static final Duration META_TIMEOUT = Duration.ofSeconds(10);

    private final Supplier<JDA> jda;

    private DiscordDashboardSource(Supplier<JDA> jda) {
        this.jda = Objects.requireNonNull(jda, "jda");
    }

    public static DiscordDashboardSource on(Supplier<JDA> jda) {
        return new DiscordDashboardSource(jda);
    }

    @Override
    public Optional<Long> gatewayLatencyMillis() {
        JDA session = jda.get();
        if (session.getStatus() != JDA.Status.CONNECTED) return Optional.empty();
        long ping = session.getGatewayPing();
        return Optional.of(Math.max(0, ping));
    }

    @Override
    public List<GuildListing> guilds() {
        return jda.get().getGuilds().stream()
                .map(DiscordDashboardSource::listing)
                .toList();
    }

    @Override
    public Optional<GuildFigures> figures(Snowflake guildId) {
        Guild guild = jda.get().getGuildById(guildId.value());
        if (guild == null) return Optional.empty();
        int total = guild.getMemberCount();
        int online = -1;
        try {
            // Bounded: a slow or rate-limited answer costs this guild's online count, never the round.
            Guild.MetaData meta = guild.retrieveMetaData()
                    .timeout(META_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
                    .complete();
            if (meta.getApproximateMembers() > 0) total = meta.getApproximateMembers();
            online = meta.getApproximatePresences();
        } catch (RuntimeException e) {
            LOG.debug("no approximate counts for guild {}: {}", guildId, e.toString());
        }
        int voice = 0;
        for (GuildVoiceState state : guild.getVoiceStates()) {
            if (state.inAudioChannel() && !state.getMember().getUser().isBot()) voice++;
        }
        return Optional.of(new GuildFigures(guildId, total, online, voice));
    }

    static GuildListing listing(Guild g) {
        return new GuildListing(
                Snowflake.of(g.getIdLong()), g.getName(), Optional.ofNullable(g.getIconUrl()), g.getMemberCount());
    }

    /** Calls {@code left} with each guild the bot leaves (kicked, banned, deleted), on JDA's event thread. */
    public static EventListener guildLeaves(Consumer<Snowflake> left) {
        Objects.requireNonNull(left, "left");
        return (GenericEvent event) -> {
            if (event instanceof GuildLeaveEvent e)
                left.accept(Snowflake.of(e.getGuild().getIdLong()));
        };
    }

    /**
     * Tells the publisher, as they happen, of the guilds the bot joins, leaves or that change name or icon. The
     * publisher only enqueues, so JDA's event thread never waits for the database.
     */
    public static EventListener events(DashboardPublisher publisher) {
        Objects.requireNonNull(publisher, "publisher");
        return (GenericEvent event) -> {
            try {
                switch (event) {
                    case GuildJoinEvent e -> publisher.guildJoined(listing(e.getGuild()));
                    case GuildLeaveEvent e ->
                        publisher.guildLeft(Snowflake.of(e.getGuild().getIdLong()));
                    case GuildUpdateNameEvent e -> publisher.guildRenamed(listing(e.getGuild()));
                    case GuildUpdateIconEvent e -> publisher.guildRenamed(listing(e.getGuild()));
                    default -> {}
                }
            } catch (RuntimeException e) {
                LOG.warn("dashboard skipped a {}: {}", event.getClass().getSimpleName(), e.toString());
            }
        };
    }
}
