package com.valoratbot.discord.activity;

import com.valoratbot.core.activity.ActivityAggregator;
import com.valoratbot.core.activity.VoiceMember;
import com.valoratbot.core.command.Snowflake;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import net.dv8tion.jda.api.JDA;
import net.dv8tion.jda.api.entities.Guild;
import net.dv8tion.jda.api.entities.GuildVoiceState;
import net.dv8tion.jda.api.entities.Member;
import net.dv8tion.jda.api.entities.User;
import net.dv8tion.jda.api.entities.channel.middleman.AudioChannel;
import net.dv8tion.jda.api.events.GenericEvent;
import net.dv8tion.jda.api.events.guild.GuildAvailableEvent;
import net.dv8tion.jda.api.events.guild.GuildJoinEvent;
import net.dv8tion.jda.api.events.guild.GuildLeaveEvent;
import net.dv8tion.jda.api.events.guild.GuildReadyEvent;
import net.dv8tion.jda.api.events.guild.GuildUnavailableEvent;
import net.dv8tion.jda.api.events.guild.update.GuildUpdateAfkChannelEvent;
import net.dv8tion.jda.api.events.guild.voice.GuildVoiceGuildDeafenEvent;
import net.dv8tion.jda.api.events.guild.voice.GuildVoiceSelfDeafenEvent;
import net.dv8tion.jda.api.events.guild.voice.GuildVoiceUpdateEvent;
import net.dv8tion.jda.api.events.message.MessageReceivedEvent;
import net.dv8tion.jda.api.events.session.SessionRecreateEvent;
import net.dv8tion.jda.api.hooks.EventListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Feeds gateway events to the {@link ActivityAggregator}: guild messages (MESSAGE_CREATE, which carries
 * the author's bot flag: no message content needed) and voice states (VOICE_STATE_UPDATE).
 *
 * <p>JDA needs the intents GUILD_MESSAGES and GUILD_VOICE_STATES, the voice-state cache and members
 * cached while in voice ({@code MemberCachePolicy.VOICE}), as {@code DiscordGateway} configures.
 * Webhook and system messages are not counted; bots are dropped by the aggregator. When a guild
 * becomes ready, joins, comes back from an outage or the session is recreated, everyone found in voice
 * replaces what was known and is counted from then.
 *
 * <pre>{@code
 * ActivityAggregator aggregator = ActivityAggregator.builder(store, zones, clock).build().start();
 * DiscordActivityTracker.create(aggregator).attachTo(gateway.jda());
 * }</pre>
 */
public final class DiscordActivityTracker implements EventListener {

    private static final Logger LOG = LoggerFactory.getLogger(DiscordActivityTracker.class);

    private final ActivityAggregator aggregator;

    private DiscordActivityTracker(ActivityAggregator aggregator) {
        this.aggregator = aggregator;
    }

    public static DiscordActivityTracker create(ActivityAggregator aggregator) {
        return new DiscordActivityTracker(Objects.requireNonNull(aggregator, "aggregator"));
    }

    /**
     * Registers with a JDA session that may already be running, and takes in the voice channels of
     * the guilds it already has (their ready events are past). Registering through
     * {@code JDABuilder.addEventListeners} before login works too, without this call.
     */
    public DiscordActivityTracker attachTo(JDA jda) {
        jda.addEventListener(this);
        for (Guild guild : jda.getGuilds()) snapshot(guild);
        return this;
    }

    @Override
    public void onEvent(GenericEvent event) {
        try {
            switch (event) {
                case MessageReceivedEvent e -> message(e);
                case GuildVoiceUpdateEvent e -> voice(e.getMember());
                case GuildVoiceSelfDeafenEvent e -> voice(e.getMember());
                case GuildVoiceGuildDeafenEvent e -> voice(e.getMember());
                case GuildReadyEvent e -> snapshot(e.getGuild());
                case GuildJoinEvent e -> snapshot(e.getGuild());
                case GuildAvailableEvent e -> snapshot(e.getGuild());
                case GuildUpdateAfkChannelEvent e ->
                    aggregator.afkChannel(
                            id(e.getGuild().getIdLong()),
                            Optional.ofNullable(e.getNewAfkChannel()).map(c -> id(c.getIdLong())));
                case GuildLeaveEvent e -> aggregator.guildGone(id(e.getGuild().getIdLong()));
                case GuildUnavailableEvent e ->
                    aggregator.guildGone(id(e.getGuild().getIdLong()));
                case SessionRecreateEvent e -> e.getJDA().getGuilds().forEach(this::snapshot);
                default -> {}
            }
        } catch (RuntimeException e) {
            // Never let counting break JDA's event thread (other listeners run on it too).
            LOG.warn("activity tracking skipped a {}: {}", event.getClass().getSimpleName(), e.toString());
        }
    }

    private void message(MessageReceivedEvent e) {
        if (!e.isFromGuild() || e.isWebhookMessage() || e.getMessage().getType().isSystem()) return;
        User author = e.getAuthor();
        Member member = e.getMember();
        String name = member != null ? member.getEffectiveName() : author.getEffectiveName();
        aggregator.message(
                id(e.getGuild().getIdLong()), id(author.getIdLong()), name, author.isBot() || author.isSystem());
    }

    private void voice(Member member) {
        aggregator.voiceState(id(member.getGuild().getIdLong()), state(member, member.getVoiceState()));
    }

    private void snapshot(Guild guild) {
        List<VoiceMember> inVoice = new ArrayList<>();
        for (GuildVoiceState state : guild.getVoiceStates()) {
            if (state.inAudioChannel()) inVoice.add(state(state.getMember(), state));
        }
        aggregator.voiceSnapshot(
                id(guild.getIdLong()),
                Optional.ofNullable(guild.getAfkChannel()).map(c -> id(c.getIdLong())),
                inVoice);
    }

    static VoiceMember state(Member member, GuildVoiceState state) {
        Snowflake user = id(member.getIdLong());
        boolean bot = member.getUser().isBot() || member.getUser().isSystem();
        AudioChannel channel = state == null ? null : state.getChannel();
        if (channel == null) return VoiceMember.left(user, member.getEffectiveName(), bot);
        boolean deafened = state.isSelfDeafened() || state.isGuildDeafened();
        return VoiceMember.in(user, member.getEffectiveName(), bot, id(channel.getIdLong()), deafened);
    }

    private static Snowflake id(long value) {
        return Snowflake.of(value);
    }
}
