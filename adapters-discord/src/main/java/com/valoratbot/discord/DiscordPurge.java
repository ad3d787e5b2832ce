package com.valoratbot.discord;

import com.valoratbot.core.command.Command.Purge;
import com.valoratbot.core.command.Command.PurgeMode;
import com.valoratbot.core.port.CommandContext;
import com.valoratbot.core.port.PurgeMessages;
import com.valoratbot.core.result.Result;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import net.dv8tion.jda.api.entities.Message;
import net.dv8tion.jda.api.entities.MessageHistory;
import net.dv8tion.jda.api.entities.channel.middleman.GuildMessageChannel;
import net.dv8tion.jda.api.requests.ErrorResponse;
import net.dv8tion.jda.api.requests.Route;
import net.dv8tion.jda.api.utils.TimeUtil;
import net.dv8tion.jda.api.utils.data.DataObject;

/**
 * Reads the {@code amount} newest messages page by page (100 a request), keeps those the mode
 * selects, and deletes them in as few requests as Discord allows: bulk deletes of up to 100, and a
 * plain delete for a single leftover (bulk delete wants at least 2). Pinned messages, messages
 * Discord does not let anyone delete, and messages older than 14 days (bulk delete refuses them,
 * and one request per old message would take minutes at Discord's rate) are counted as skipped.
 *
 * <p>Bulk deletes go through {@link DiscordRest} on JDA's public {@code Route.Messages.DELETE_MESSAGES}:
 * JDA's own {@code deleteMessagesByIds} cannot carry an audit-log reason (it is a plain
 * {@code RestAction}, and only JDA's auditable actions send one), and {@code purgeMessagesById} issues
 * requests in parallel, splitting by its own rules.
 */
final class DiscordPurge implements PurgeMessages {

    static final int PAGE = 100;
    static final Duration BULK_DELETE_MAX_AGE = Duration.ofDays(14);
    /** Messages this close to the 14-day limit are skipped: they could age out before the request lands. */
    static final Duration AGE_MARGIN = Duration.ofMinutes(1);

    private final Connection connection;
    private final Clock clock;

    DiscordPurge(Connection connection, Clock clock) {
        this.connection = connection;
        this.clock = clock;
    }

    @Override
    public Result<PurgeReport> purge(CommandContext context, Purge purge) {
        return connection.run(context, "purge", deadline -> {
            GuildMessageChannel channel = connection.channel(
                    context.guildId(), purge.channelId(), GuildMessageChannel.class, "channel_kind.text");
            long oldestBulkDeletable = TimeUtil.getDiscordTimestamp(
                    clock.millis() - BULK_DELETE_MAX_AGE.toMillis() + AGE_MARGIN.toMillis());

            List<Long> doomed = new ArrayList<>();
            int skipped = 0;
            MessageHistory history = history(channel);
            int left = purge.amount();
            while (left > 0) {
                int ask = Math.min(PAGE, left);
                List<Message> page = connection.await(history.retrievePast(ask), deadline, channel);
                for (Message m : page) {
                    if (!selected(purge.mode(), m)) continue;
                    if (m.isPinned() || !m.getType().canDelete() || m.getIdLong() < oldestBulkDeletable) skipped++;
                    else doomed.add(m.getIdLong());
                }
                left -= page.size();
                if (page.size() < ask) break; // the channel has no more
            }

            String reason = Reasons.of(context, "purge");
            int deleted = 0;
            for (int from = 0; from < doomed.size(); from += PAGE) {
                List<String> chunk = doomed.subList(from, Math.min(doomed.size(), from + PAGE)).stream()
                        .map(Long::toUnsignedString)
                        .toList();
                try {
                    if (chunk.size() == 1) {
                        // a message deleted by someone else meanwhile is no failure
                        connection.await(
                                channel.deleteMessageById(chunk.getFirst()).reason(reason),
                                deadline,
                                channel,
                                Set.of(ErrorResponse.UNKNOWN_MESSAGE));
                    } else {
                        connection.send(
                                new DiscordRest.Request(
                                        Route.Messages.DELETE_MESSAGES.compile(channel.getId()),
                                        DataObject.empty().put("messages", chunk),
                                        reason),
                                deadline,
                                channel,
                                Set.of());
                    }
                } catch (DiscordFailure f) {
                    // What already went is gone: say so next to the error.
                    throw new DiscordFailure(f.failure().with("deleted", deleted));
                }
                deleted += chunk.size();
            }
            return new PurgeReport(deleted, skipped);
        });
    }

    private static MessageHistory history(GuildMessageChannel channel) {
        try {
            return channel.getHistory(); // JDA checks View Channel and Read Message History here
        } catch (RuntimeException refused) {
            throw new DiscordFailure(Connection.failureOf(refused, channel));
        }
    }

    static boolean selected(PurgeMode mode, Message message) {
        return switch (mode) {
            case COUNT -> true;
            case USERS -> !message.getAuthor().isBot();
            case BOTS -> message.getAuthor().isBot();
        };
    }
}
