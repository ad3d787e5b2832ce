package com.valoratbot.discord;

import com.valoratbot.core.command.Announcement;
import com.valoratbot.core.command.Announcement.MentionKind;
import com.valoratbot.core.command.Embed;
import com.valoratbot.core.command.Snowflake;
import com.valoratbot.core.port.CommandContext;
import com.valoratbot.core.port.PostAnnouncements;
import com.valoratbot.core.result.ErrorCode;
import com.valoratbot.core.result.Result;
import com.valoratbot.core.result.Text;
import java.util.EnumSet;
import java.util.Set;
import net.dv8tion.jda.api.EmbedBuilder;
import net.dv8tion.jda.api.entities.Message;
import net.dv8tion.jda.api.entities.Message.MentionType;
import net.dv8tion.jda.api.entities.MessageEmbed;
import net.dv8tion.jda.api.entities.channel.middleman.GuildChannel;
import net.dv8tion.jda.api.entities.channel.middleman.GuildMessageChannel;
import net.dv8tion.jda.api.utils.messages.MessageCreateBuilder;
import net.dv8tion.jda.api.utils.messages.MessageCreateData;

/**
 * Posts a text and/or an embed. Mentions ping only what the payload opted into: everything else in
 * the text (a pasted @everyone, a role or user mention) shows as a mention but notifies nobody.
 */
final class DiscordAnnouncements implements PostAnnouncements {

    private final Connection connection;

    DiscordAnnouncements(Connection connection) {
        this.connection = connection;
    }

    @Override
    public Result<Snowflake> announce(CommandContext context, Announcement announcement) {
        return connection.run(context, "announce", deadline -> {
            GuildChannel found = connection.channel(connection.guild(context.guildId()), announcement.channelId());
            if (!(found instanceof GuildMessageChannel channel)
                    || !DiscordAccess.typesOf(com.valoratbot.core.port.ChannelKind.TEXT)
                            .contains(found.getType())) {
                throw DiscordFailure.of(
                        ErrorCode.INVALID_PAYLOAD,
                        "channel_wrong_type",
                        "#" + found.getName(),
                        Text.of("channel_kind.text"));
            }
            Message sent = connection.await(() -> channel.sendMessage(message(announcement)), deadline, channel);
            return Snowflake.of(sent.getIdLong());
        });
    }

    static MessageCreateData message(Announcement announcement) {
        MessageCreateBuilder builder = new MessageCreateBuilder();
        announcement.message().ifPresent(builder::setContent);
        announcement.embed().map(DiscordAnnouncements::embed).ifPresent(builder::setEmbeds);
        builder.setAllowedMentions(mentions(announcement.allowedMentions()));
        return builder.build();
    }

    static EnumSet<MentionType> mentions(Set<MentionKind> kinds) {
        EnumSet<MentionType> allowed = EnumSet.noneOf(MentionType.class);
        for (MentionKind kind : kinds) {
            switch (kind) {
                case EVERYONE -> {
                    allowed.add(MentionType.EVERYONE);
                    allowed.add(MentionType.HERE);
                }
                case ROLES -> allowed.add(MentionType.ROLE);
                case USERS -> allowed.add(MentionType.USER);
            }
        }
        return allowed;
    }

    static MessageEmbed embed(Embed embed) {
        EmbedBuilder builder = new EmbedBuilder();
        embed.title().ifPresent(builder::setTitle);
        embed.description().ifPresent(builder::setDescription);
        embed.color().ifPresent(builder::setColor);
        embed.image().ifPresent(uri -> builder.setImage(uri.toString()));
        return builder.build();
    }
}
