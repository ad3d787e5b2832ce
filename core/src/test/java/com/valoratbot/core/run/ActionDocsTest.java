package com.valoratbot.core.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.valoratbot.core.command.Action;
import com.valoratbot.core.command.Command;
import com.valoratbot.core.command.CommandParser;
import com.valoratbot.core.port.ChannelKind;
import com.valoratbot.core.port.DiscordPermission;
import com.valoratbot.core.result.Result;
import com.valoratbot.core.run.AnonymousRows.Kind;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The docs' action tables say what the code does: the actions table of docs/architecture.md
 * (idempotent, channel kind, bot and requester permissions, anonymous rows) and the permissions
 * table of docs/actions-moderation.md. Either drifting from {@link BuiltInActions} fails here, naming
 * the row. Each action is judged on the plainest payload of {@link ResultShapesTest#CASES} (an
 * announcement without embed or mentions); the parenthesised extras of a cell are not parsed.
 */
class ActionDocsTest {

    private static final Path DOCS = Path.of("..", "docs");
    private static final Pattern NAME = Pattern.compile("`([^`]+)`");

    /** A markdown table: its header cells, and each row's cells by header. */
    record Table(List<String> header, List<Map<String, String>> rows) {}

    static Table table(String file, String headerStart) throws IOException {
        List<String> lines = Files.readAllLines(DOCS.resolve(file));
        for (int i = 0; i < lines.size(); i++) {
            if (!lines.get(i).startsWith(headerStart)) continue;
            List<String> header = cells(lines.get(i));
            List<Map<String, String>> rows = new ArrayList<>();
            for (int j = i + 2; j < lines.size() && lines.get(j).startsWith("|"); j++) {
                List<String> cells = cells(lines.get(j));
                Map<String, String> row = new LinkedHashMap<>();
                for (int k = 0; k < header.size(); k++) row.put(header.get(k), k < cells.size() ? cells.get(k) : "");
                rows.add(row);
            }
            return new Table(header, rows);
        }
        return fail("no table starting with '%s' in docs/%s", headerStart, file);
    }

    private static List<String> cells(String line) {
        String inner = line.strip().substring(1, line.strip().length() - 1);
        return Arrays.stream(inner.split("\\|", -1)).map(String::strip).toList();
    }

    static List<String> actionsOf(String cell) {
        List<String> names = new ArrayList<>();
        Matcher m = NAME.matcher(cell);
        while (m.find()) names.add(m.group(1));
        return names;
    }

    /** A cell without what it says in parentheses: the base case. */
    private static String base(String cell) {
        return cell.replaceAll("\\([^)]*\\)", "").strip();
    }

    static Set<DiscordPermission> permissions(String cell, String where) {
        String text = base(cell);
        EnumSet<DiscordPermission> out = EnumSet.noneOf(DiscordPermission.class);
        if (text.equals("—")) return out;
        for (String name : text.split(",")) {
            Optional<DiscordPermission> p = Arrays.stream(DiscordPermission.values())
                    .filter(d -> d.displayName().equals(name.strip()))
                    .findFirst();
            if (p.isEmpty())
                fail("%s: '%s' is not a permission's display name (DiscordPermission)", where, name.strip());
            out.add(p.get());
        }
        return out;
    }

    /** Empty for "—": the action names no channel. */
    static Optional<ChannelKind> channelKind(String cell, String where) {
        return switch (base(cell)) {
            case "—" -> Optional.empty();
            case "text or announcement" -> Optional.of(ChannelKind.TEXT);
            case "text" -> Optional.of(ChannelKind.TEXT_ONLY);
            case "voice or stage" -> Optional.of(ChannelKind.VOICE);
            default -> fail("%s: unknown channel kind '%s'", where, cell);
        };
    }

    static BuiltInActions.Policy policy(String action) {
        String[] sample = ResultShapesTest.CASES.get(action);
        assertThat(sample)
                .as("a sample payload for %s in ResultShapesTest.CASES", action)
                .isNotNull();
        Result<Command> parsed = CommandParser.withDefaults()
                .parse(
                        action,
                        CommandParser.readPayload(sample[0]) instanceof Result.Ok<?>(var tree)
                                ? (com.fasterxml.jackson.databind.JsonNode) tree
                                : fail("the sample payload of %s is not JSON", action));
        assertThat(parsed).as("the sample payload of %s", action).isInstanceOf(Result.Ok.class);
        return BuiltInActions.of(((Result.Ok<Command>) parsed).value());
    }

    @Test
    void theActionsTableOfTheArchitectureDocNamesEveryActionOnceAndAgreesWithTheCode() throws IOException {
        Table table = table("architecture.md", "| action | idempotent |");
        List<String> documented = new ArrayList<>();
        for (Map<String, String> row : table.rows()) {
            for (String action : actionsOf(row.get("action"))) {
                documented.add(action);
                String where = "docs/architecture.md, the actions table, " + action;
                Optional<Action> known = Action.fromWireName(action);
                assertThat(known).as("%s: no such action", where).isPresent();
                BuiltInActions.Policy policy = policy(action);

                assertThat(row.get("idempotent"))
                        .as("%s: idempotent", where)
                        .isEqualTo(BuiltInActions.idempotent(known.get()) ? "yes" : "no");
                checkChannelAndPermissions(row, "channel", policy, where);
                assertThat(risk(row.get("anonymous rows"), where))
                        .as("%s: anonymous rows", where)
                        .isEqualTo(policy.risk());
            }
        }
        assertThat(documented)
                .as("docs/architecture.md's actions table, one row per action")
                .containsExactlyInAnyOrderElementsOf(
                        Arrays.stream(Action.values()).map(Action::wireName).toList());
    }

    @Test
    void thePermissionsTableOfTheModerationDocAgreesWithTheCode() throws IOException {
        Table table = table("actions-moderation.md", "| action | kind of channel |");
        assertThat(table.rows()).isNotEmpty();
        for (Map<String, String> row : table.rows()) {
            for (String action : actionsOf(row.get("action"))) {
                String where = "docs/actions-moderation.md, the permissions table, " + action;
                assertThat(Action.fromWireName(action))
                        .as("%s: no such action", where)
                        .isPresent();
                checkChannelAndPermissions(row, "kind of channel", policy(action), where);
            }
        }
    }

    @Test
    void theAnonymousRowsLevelsOfTheSecurityDocNameTheActionsOfTheirKind() throws IOException {
        Table table = table("security.md", "| level | anonymous rows may run |");
        Map<String, Kind> levels = Map.of("no-moderation", Kind.MODERATION, "read-only", Kind.READ);
        levels.forEach((level, kind) -> {
            Map<String, String> row = table.rows().stream()
                    .filter(r -> actionsOf(r.get("level")).contains(level))
                    .findFirst()
                    .orElseGet(() -> fail("docs/security.md: no row for the level %s", level));
            List<String> expected = Arrays.stream(Action.values())
                    .map(Action::wireName)
                    .filter(a -> policy(a).risk() == kind)
                    .toList();
            assertThat(actionsOf(row.get("anonymous rows may run")))
                    .as("docs/security.md, level %s: the actions of kind %s", level, kind)
                    .containsExactlyInAnyOrderElementsOf(expected);
        });
    }

    private static void checkChannelAndPermissions(
            Map<String, String> row, String channelColumn, BuiltInActions.Policy policy, String where) {
        Optional<ChannelKind> kind = channelKind(row.get(channelColumn), where);
        assertThat(kind.isPresent())
                .as("%s: names a channel", where)
                .isEqualTo(!policy.access().channelIds().isEmpty());
        kind.ifPresent(k -> assertThat(k)
                .as("%s: kind of channel", where)
                .isEqualTo(policy.access().channelKind()));
        assertThat(permissions(row.get("bot needs"), where))
                .as("%s: bot needs", where)
                .isEqualTo(policy.access().bot());
        assertThat(permissions(row.get("requester needs"), where))
                .as("%s: requester needs", where)
                .isEqualTo(policy.access().requester());
    }

    private static Kind risk(String cell, String where) {
        String text = base(cell).toUpperCase(Locale.ROOT).replace(' ', '_');
        try {
            return Kind.valueOf(text);
        } catch (IllegalArgumentException e) {
            return fail("%s: '%s' is not one of read, write, moderation, mass mention", where, cell);
        }
    }
}
