package com.valoratbot.standin;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/** The one Jackson mapper and the formatting conventions Discord uses on the wire. */
final class Json {

    static final ObjectMapper MAPPER = new ObjectMapper();

    // Discord writes ISO-8601 with microseconds and a numeric offset, e.g. 2024-05-01T10:00:00.000000+00:00.
    private static final DateTimeFormatter TIMESTAMP =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSSxxx").withZone(ZoneOffset.UTC);

    private Json() {}

    static ObjectNode object() {
        return MAPPER.createObjectNode();
    }

    static ArrayNode array() {
        return MAPPER.createArrayNode();
    }

    /** Snowflakes travel as strings because JavaScript numbers cannot hold 64 bits. */
    static String id(long id) {
        return Long.toUnsignedString(id);
    }

    static String timestamp(Instant instant) {
        return TIMESTAMP.format(instant);
    }

    static String write(JsonNode node) {
        try {
            return MAPPER.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Cannot serialise JSON", e);
        }
    }

    static JsonNode parse(byte[] bytes) throws IOException {
        return MAPPER.readTree(bytes);
    }

    static JsonNode parse(String text) throws IOException {
        return MAPPER.readTree(text);
    }
}
