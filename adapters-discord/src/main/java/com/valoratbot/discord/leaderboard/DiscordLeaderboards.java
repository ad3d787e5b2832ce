package com.valoratbot.discord.leaderboard;

import com.valoratbot.core.activity.LeaderboardCard;
import com.valoratbot.core.activity.LeaderboardCard.Row;
import com.valoratbot.core.command.Snowflake;
import com.valoratbot.core.port.CommandContext;
import com.valoratbot.core.port.activity.PublishLeaderboards;
import com.valoratbot.core.result.ErrorCode;
import com.valoratbot.core.result.Failure;
import com.valoratbot.core.result.Result;
import com.valoratbot.core.result.Text;
import com.valoratbot.core.text.Language;
import com.valoratbot.core.text.Messages;
import java.time.Duration;
import java.time.format.DateTimeFormatter;
import java.time.format.FormatStyle;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.LongFunction;
import java.util.function.Supplier;
import net.dv8tion.jda.api.EmbedBuilder;
import net.dv8tion.jda.api.JDA;
import net.dv8tion.jda.api.entities.Guild;
import net.dv8tion.jda.api.entities.Message;
import net.dv8tion.jda.api.entities.MessageEmbed;
import net.dv8tion.jda.api.entities.channel.ChannelType;
import net.dv8tion.jda.api.entities.channel.middleman.GuildChannel;
import net.dv8tion.jda.api.entities.channel.middleman.GuildMessageChannel;
import net.dv8tion.jda.api.exceptions.ErrorResponseException;
import net.dv8tion.jda.api.exceptions.InsufficientPermissionException;
import net.dv8tion.jda.api.exceptions.PermissionException;
import net.dv8tion.jda.api.requests.restaction.MessageCreateAction;
import net.dv8tion.jda.api.utils.FileUpload;
import net.dv8tion.jda.api.utils.MarkdownSanitizer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Posts leaderboards on Discord: an embed listing both top tens, with the rendered card attached
 * ({@code leaderboard.png}, shown as the embed's image). A card without any activity becomes a short
 * friendly message instead, and still counts as posted. Nothing in a leaderboard pings anyone.
 *
 * <pre>{@code
 * PublishLeaderboards publisher = DiscordLeaderboards.builder(gateway::jda).language(Language.FR).build();
 * }</pre>
 */
public final class DiscordLeaderboards implements PublishLeaderboards {

    private static final Logger LOG = LoggerFactory.getLogger(DiscordLeaderboards.class);
    public static final String FILE_NAME = "leaderboard.png";
    private static final Set<ChannelType> TEXT = EnumSet.of(ChannelType.TEXT, ChannelType.NEWS);

    private final Supplier<JDA> jda;
    private final Messages messages;
    private final LeaderboardCardRenderer renderer;
    private final DateTimeFormatter dates;
    private final Duration timeout;

    private DiscordLeaderboards(Builder b) {
        this.jda = b.jda;
        this.messages = new Messages(b.language);
        this.renderer = LeaderboardCardRenderer.create(b.language);
        this.dates = DateTimeFormatter.ofLocalizedDate(FormatStyle.MEDIUM).withLocale(b.language.locale());
        this.timeout = b.timeout;
    }

    /** @param jda the running session (e.g. {@code DiscordGateway::jda}); may throw or return null when not connected */
    public static Builder builder(Supplier<JDA> jda) {
        return new Builder(jda);
    }

    @Override
    public Result<Snowflake> publish(CommandContext context, Snowflake channelId, LeaderboardCard card) {
        JDA session;
        try {
            session = jda.get();
        } catch (RuntimeException notStarted) {
            session = null;
        }
        if (session == null) return Result.err(ErrorCode.GUILD_NOT_FOUND, "guild_not_found");
        Guild guild = session.getGuildById(context.guildId().value());
        if (guild == null) return Result.err(ErrorCode.GUILD_NOT_FOUND, "guild_not_found");
        GuildChannel found = guild.getGuildChannelById(channelId.value());
        if (found == null) return Result.err(ErrorCode.CHANNEL_NOT_FOUND, "channel_not_found", channelId.toString());
        if (!(found instanceof GuildMessageChannel channel) || !TEXT.contains(found.getType())) {
            return Result.err(
                    ErrorCode.INVALID_PAYLOAD,
                    "channel_wrong_type",
                    "#" + found.getName(),
                    Text.of("channel_kind.text"));
        }
        try {
            MessageCreateAction action = card.isEmpty()
                    ? channel.sendMessage(messages.render(Text.of(
                            "leaderboard.no_activity_post",
                            dates.format(card.period().from()),
                            dates.format(card.period().to()))))
                    : channel.sendMessageEmbeds(embed(card, guild.getName()))
                            .addFiles(FileUpload.fromData(renderer.png(card, guild.getName()), FILE_NAME));
            Message sent = action.setAllowedMentions(EnumSet.noneOf(Message.MentionType.class))
                    .submit()
                    .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            return Result.ok(Snowflake.of(sent.getIdLong()));
        } catch (InsufficientPermissionException e) {
            return Result.err(
                    ErrorCode.MISSING_PERMISSIONS,
                    "missing_permissions",
                    e.getPermission().getName(),
                    Text.of("where.channel", found.getName()));
        } catch (PermissionException e) {
            return Result.err(
                    ErrorCode.MISSING_PERMISSIONS,
                    "missing_permissions_discord",
                    Text.of("where.channel", found.getName()));
        } catch (TimeoutException e) {
            return Result.err(ErrorCode.DISCORD_ERROR, "discord_timeout");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Result.err(ErrorCode.DISCORD_ERROR, "discord_timeout");
        } catch (ExecutionException e) {
            return Result.err(failure(e.getCause(), found));
        }
    }

    private static Failure failure(Throwable cause, GuildChannel channel) {
        if (cause instanceof ErrorResponseException r) {
            return switch (r.getErrorResponse()) {
                case MISSING_PERMISSIONS, MISSING_ACCESS ->
                    Failure.of(
                            ErrorCode.MISSING_PERMISSIONS,
                            "missing_permissions_discord",
                            Text.of("where.channel", channel.getName()));
                case UNKNOWN_CHANNEL -> Failure.of(ErrorCode.CHANNEL_NOT_FOUND, "channel_not_found", channel.getId());
                default ->
                    Failure.of(
                            ErrorCode.DISCORD_ERROR, "discord_error", r.getMeaning() + " (" + r.getErrorCode() + ")");
            };
        }
        LOG.warn("posting a leaderboard failed: {}", String.valueOf(cause));
        return Failure.of(ErrorCode.DISCORD_ERROR, "discord_timeout");
    }

    MessageEmbed embed(LeaderboardCard card, String guildName) {
        EmbedBuilder embed = new EmbedBuilder()
                .setTitle(messages.render(Text.of("leaderboard.title", guildName)))
                .setDescription(messages.render(Text.of(
                        "leaderboard.period",
                        dates.format(card.period().from()),
                        dates.format(card.period().to()))))
                .setColor(0x5865F2)
                .setImage("attachment://" + FILE_NAME)
                .setFooter(messages.render(Text.of(
                        "leaderboard.footer", card.period().days(), card.zone().getId())));
        embed.addField(
                messages.render(Text.of("leaderboard.messages")),
                lines(
                        card.messages(),
                        v -> messages.render(
                                Text.of("leaderboard.messages_count", LeaderboardCardRenderer.grouped(v)))),
                true);
        embed.addField(
                messages.render(Text.of("leaderboard.voice")),
                lines(card.voice(), LeaderboardCardRenderer::duration),
                true);
        return embed.build();
    }

    private String lines(List<Row> rows, LongFunction<String> value) {
        if (rows.isEmpty()) return messages.render(Text.of("leaderboard.empty_column"));
        StringBuilder out = new StringBuilder();
        for (Row r : rows) {
            String name = r.name().length() > 32 ? r.name().substring(0, 31) + "…" : r.name();
            out.append("**")
                    .append(r.rank())
                    .append(".** ")
                    .append(MarkdownSanitizer.escape(name))
                    .append(" — ")
                    .append(value.apply(r.value()))
                    .append('\n');
        }
        return out.length() > MessageEmbed.VALUE_MAX_LENGTH
                ? out.substring(0, MessageEmbed.VALUE_MAX_LENGTH)
                : out.toString();
    }

    public static final class Builder {
        private final Supplier<JDA> jda;
        private Language language = Language.FR;
        private Duration timeout = Duration.ofSeconds(30);

        private Builder(Supplier<JDA> jda) {
            this.jda = Objects.requireNonNull(jda, "jda");
        }

        /** The language of the card and the embed. Default French. */
        public Builder language(Language v) {
            language = Objects.requireNonNull(v, "language");
            return this;
        }

        /** How long posting may take (upload and rate-limit waits included). Default 30 s. */
        public Builder timeout(Duration v) {
            if (v == null || v.isNegative() || v.isZero())
                throw new IllegalArgumentException("timeout must be positive, was " + v);
            timeout = v;
            return this;
        }

        public DiscordLeaderboards build() {
            return new DiscordLeaderboards(this);
        }
    }
}
