package com.valoratbot.standin;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.List;

/**
 * A stored message. {@code createdAt} is the id's snowflake timestamp; {@code allowedMentions} is what the
 * sender asked for (null when it sent none).
 */
public record StandInMessage(
        long id,
        long channelId,
        long authorId,
        String authorName,
        boolean authorBot,
        String content,
        List<JsonNode> embeds,
        List<StandInAttachment> attachments,
        Instant createdAt,
        boolean pinned,
        JsonNode allowedMentions) {

    public StandInMessage {
        embeds = embeds.stream().map(node -> node.<JsonNode>deepCopy()).toList();
        attachments = List.copyOf(attachments);
        allowedMentions = allowedMentions == null ? null : allowedMentions.deepCopy();
    }
}
