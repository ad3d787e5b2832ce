package com.valoratbot.core.schedule;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.valoratbot.core.command.Announcement;
import com.valoratbot.core.command.Announcement.MentionKind;
import com.valoratbot.core.command.Embed;
import com.valoratbot.core.command.Snowflake;
import java.net.URI;
import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;

/**
 * A validated {@link Announcement} as stored until it is sent, and back. The stored form is the
 * already-checked model (color as a number, mentions as wire names), not the dashboard's payload, so
 * what goes out is exactly what was accepted when it was scheduled.
 */
public final class AnnouncementJson {

    private static final ObjectMapper JSON = new ObjectMapper();

    private AnnouncementJson() {}

    public static String write(Announcement a) {
        ObjectNode root = JSON.createObjectNode();
        root.put("channelId", a.channelId().toString());
        a.message().ifPresentOrElse(m -> root.put("message", m), () -> root.putNull("message"));
        a.embed()
                .ifPresentOrElse(
                        e -> {
                            ObjectNode embed = root.putObject("embed");
                            e.title().ifPresent(t -> embed.put("title", t));
                            e.description().ifPresent(d -> embed.put("description", d));
                            e.color().ifPresent(c -> embed.put("color", c));
                            e.image().ifPresent(i -> embed.put("image", i.toString()));
                        },
                        () -> root.putNull("embed"));
        ArrayNode mentions = root.putArray("allowedMentions");
        a.allowedMentions().stream().sorted().forEach(k -> mentions.add(k.wireName()));
        try {
            return JSON.writeValueAsString(root);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("an announcement always serializes", e);
        }
    }

    /** @throws IllegalArgumentException when the text is not an announcement this class wrote */
    public static Announcement read(String json) {
        try {
            JsonNode root = JSON.readTree(json);
            Snowflake channel = Snowflake.parse(root.path("channelId").asText(null))
                    .orElseThrow(() -> new IllegalArgumentException("no channelId"));
            Optional<String> message = text(root, "message");
            Optional<Embed> embed = Optional.empty();
            JsonNode e = root.get("embed");
            if (e != null && e.isObject()) {
                embed = Optional.of(new Embed(
                        text(e, "title"),
                        text(e, "description"),
                        e.hasNonNull("color") ? Optional.of(e.get("color").asInt()) : Optional.empty(),
                        text(e, "image").map(URI::create)));
            }
            Set<MentionKind> mentions = EnumSet.noneOf(MentionKind.class);
            for (JsonNode m : root.path("allowedMentions")) {
                for (MentionKind k : MentionKind.values()) if (k.wireName().equals(m.asText())) mentions.add(k);
            }
            return new Announcement(channel, message, embed, mentions);
        } catch (JsonProcessingException | RuntimeException e) {
            throw new IllegalArgumentException("not a stored announcement: " + e.getMessage(), e);
        }
    }

    private static Optional<String> text(JsonNode node, String field) {
        JsonNode v = node.get(field);
        return v == null || v.isNull() ? Optional.empty() : Optional.of(v.asText());
    }
}
