package com.valoratbot.core.command;

import java.util.Optional;
import java.util.Set;

/**
 * What an announcement says and whom it may ping. Mentions are opt-in: a pasted "@everyone" in a
 * message pings nobody unless the payload lists {@code everyone} in {@code allowedMentions}.
 */
public record Announcement(
        Snowflake channelId, Optional<String> message, Optional<Embed> embed, Set<MentionKind> allowedMentions) {

    public static final int MAX_MESSAGE = 2000;

    public Announcement {
        allowedMentions = Set.copyOf(allowedMentions);
        if (message.isEmpty() && embed.isEmpty())
            throw new IllegalArgumentException("an announcement needs a message or an embed");
    }

    public enum MentionKind {
        /** {@code @everyone} and {@code @here}. */
        EVERYONE("everyone"),
        ROLES("roles"),
        USERS("users");

        private final String wireName;

        MentionKind(String wireName) {
            this.wireName = wireName;
        }

        public String wireName() {
            return wireName;
        }
    }
}
