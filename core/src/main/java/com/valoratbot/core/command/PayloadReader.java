package com.valoratbot.core.command;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.valoratbot.core.result.Text;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Reads typed fields out of a dashboard payload and collects every problem instead of stopping at
 * the first, so one round trip tells the dashboard user everything to fix.
 *
 * <p>Leniency where the dashboard's JavaScript is loose: numbers may arrive as strings ("50"),
 * ids as strings or (precision permitting) numbers, and an empty string means "absent".
 *
 * <p>Public for custom actions ({@code CustomAction#read}): an embedding bot reads its payloads with
 * the same rules, limits and reasons as the built-in actions. A problem's key is a message key of
 * {@code com/valoratbot/core/messages*.properties} (an unknown key is shown as is).
 */
public final class PayloadReader {

    private final JsonNode root;
    private final String prefix;
    private final List<Text> problems;

    PayloadReader(JsonNode root) {
        this(root == null || root.isMissingNode() ? NullNode.getInstance() : root, "", new ArrayList<>());
    }

    private PayloadReader(JsonNode root, String prefix, List<Text> problems) {
        this.root = root;
        this.prefix = prefix;
        this.problems = problems;
    }

    /** Every problem found so far, in order (a read-only view). */
    public List<Text> problems() {
        return java.util.Collections.unmodifiableList(problems);
    }

    /** Records a problem the reader's typed methods cannot see (a rule across fields, a format of the action's own). */
    public void problem(String key, Object... args) {
        problems.add(Text.of(key, args));
    }

    private String name(String field) {
        return prefix + field;
    }

    /** The field's node, or empty when missing, JSON null, or a blank string. */
    private Optional<JsonNode> present(String field) {
        JsonNode n = root.get(field);
        if (n == null || n.isNull() || n.isMissingNode()) return Optional.empty();
        if (n.isTextual() && n.asText().isBlank()) return Optional.empty();
        return Optional.of(n);
    }

    private static String shown(JsonNode n) {
        String s = n.isTextual() ? n.asText() : n.toString();
        return s.length() > 40 ? s.substring(0, 40) + "…" : s;
    }

    public Optional<String> optionalText(String field, int maxLength) {
        Optional<JsonNode> n = present(field);
        if (n.isEmpty()) return Optional.empty();
        if (!n.get().isTextual()) {
            problem("field.text", name(field), shown(n.get()));
            return Optional.empty();
        }
        String value = n.get().asText();
        int length = value.codePointCount(0, value.length());
        if (length > maxLength) {
            problem("field.too_long", name(field), maxLength, length);
            return Optional.empty();
        }
        return Optional.of(value);
    }

    public Optional<String> requiredText(String field, int maxLength) {
        if (present(field).isEmpty()) {
            problem("field.required", name(field));
            return Optional.empty();
        }
        return optionalText(field, maxLength);
    }

    public Optional<Snowflake> requiredSnowflake(String field) {
        Optional<JsonNode> n = present(field);
        if (n.isEmpty()) {
            problem("field.required", name(field));
            return Optional.empty();
        }
        JsonNode node = n.get();
        Optional<Snowflake> id = switch (node.getNodeType()) {
            case STRING -> Snowflake.parse(node.asText());
            // A JavaScript number above 2^53 has already lost digits: refuse it rather than
            // act on a neighbouring channel's id.
            case NUMBER ->
                node.canConvertToExactIntegral() && node.canConvertToLong() && Math.abs(node.asLong()) < (1L << 53)
                        ? Snowflake.parse(Long.toString(node.asLong()))
                        : Optional.empty();
            default -> Optional.empty();
        };
        if (id.isEmpty()) problem("field.snowflake", name(field), shown(node));
        return id;
    }

    public Optional<Integer> optionalInt(String field, int min, int max) {
        Optional<JsonNode> n = present(field);
        if (n.isEmpty()) return Optional.empty();
        Optional<Integer> value =
                integral(n.get()).filter(v -> v >= min && v <= max).map(Long::intValue);
        if (value.isEmpty()) problem("field.integer_range", name(field), min, max, shown(n.get()));
        return value;
    }

    public Optional<Integer> requiredInt(String field, int min, int max) {
        if (present(field).isEmpty()) {
            problem("field.integer_required", name(field), min, max);
            return Optional.empty();
        }
        return optionalInt(field, min, max);
    }

    /**
     * Longer than this, a number given as text is refused before it is parsed: parsing a long digit
     * string is quadratic (a million digits cost 34 s of CPU), and no field of any action needs more
     * than a few digits. 32 still leaves room for "50", "50.0" or "5e1" and any padding in decimals.
     */
    static final int MAX_NUMBER_TEXT = 32;

    private static Optional<Long> integral(JsonNode n) {
        try {
            BigDecimal d = switch (n.getNodeType()) {
                // The parser's StreamReadConstraints already bound a JSON number's length.
                case NUMBER -> n.decimalValue();
                case STRING -> {
                    String text = n.asText();
                    yield text.length() > MAX_NUMBER_TEXT || !asciiNumber(text.strip())
                            ? null
                            : new BigDecimal(text.strip());
                }
                default -> null;
            };
            if (d == null) return Optional.empty();
            // longValueExact refuses a huge exponent ("1e999999999") from its precision and scale, without expanding
            // it.
            return Optional.of(d.longValueExact());
        } catch (NumberFormatException | ArithmeticException notAnInteger) {
            return Optional.empty();
        }
    }

    /** BigDecimal reads every script's digits ("５０" is 50); the dashboard's JavaScript writes ASCII only. */
    private static boolean asciiNumber(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (!(c >= '0' && c <= '9') && c != '-' && c != '+' && c != '.' && c != 'e' && c != 'E') return false;
        }
        return true;
    }

    /** One of {@code choices} (case-insensitive), or {@code fallback} when absent. */
    public <E extends Enum<E>> Optional<E> choice(
            String field, E fallback, List<E> values, java.util.function.Function<E, String> wire) {
        Optional<JsonNode> n = present(field);
        if (n.isEmpty()) return Optional.of(fallback);
        String text = n.get().asText().strip();
        for (E v : values) if (wire.apply(v).equalsIgnoreCase(text)) return Optional.of(v);
        problem(
                "field.one_of",
                name(field),
                String.join(", ", values.stream().map(wire).toList()),
                shown(n.get()));
        return Optional.empty();
    }

    /** A nested object, or empty when absent; a non-object is a problem. */
    public Optional<PayloadReader> object(String field) {
        Optional<JsonNode> n = present(field);
        if (n.isEmpty()) return Optional.empty();
        if (!n.get().isObject()) {
            problem("field.object", name(field), shown(n.get()));
            return Optional.empty();
        }
        return Optional.of(new PayloadReader(n.get(), name(field) + ".", problems));
    }

    /** A list of short strings, or empty when absent; a single string counts as a list of one. */
    public Optional<List<String>> optionalTextList(String field) {
        Optional<JsonNode> n = present(field);
        if (n.isEmpty()) return Optional.empty();
        JsonNode node = n.get();
        if (node.isTextual()) return Optional.of(List.of(node.asText()));
        if (!node.isArray()) {
            problem("field.text_list", name(field), shown(node));
            return Optional.empty();
        }
        List<String> out = new ArrayList<>();
        for (JsonNode item : node) {
            if (!item.isTextual()) {
                problem("field.text_list", name(field), shown(node));
                return Optional.empty();
            }
            out.add(item.asText());
        }
        return Optional.of(out);
    }

    public String fieldName(String field) {
        return name(field);
    }
}
