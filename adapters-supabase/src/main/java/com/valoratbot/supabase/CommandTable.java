package com.valoratbot.supabase;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * The command table as the catalog describes it. Dashboards create it in more than one shape: the
 * guide's ({@code updated_at}), or a variant with {@code picked_at} instead, or without
 * {@code requested_by}; the queue fills and reads only the optional columns that exist.
 *
 * @param columnTypes every column with its SQL type ({@code format_type}), in table order
 */
public record CommandTable(String schema, String name, Map<String, String> columnTypes, boolean idHasDefault) {

    public static final List<String> REQUIRED_COLUMNS =
            List.of("id", "guild_id", "action", "payload", "status", "result");
    public static final List<String> OPTIONAL_COLUMNS =
            List.of("created_at", "updated_at", "picked_at", "requested_by");

    public CommandTable {
        columnTypes = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(columnTypes));
    }

    /** Read with plain JDBC ({@link Jdbc}): the CLI's {@code ls} needs it and nothing of jOOQ. */
    static Optional<CommandTable> inspect(javax.sql.DataSource dataSource, String schema, String name) {
        record Column(String name, String type, boolean hasDefault) {}
        List<Column> rows = Jdbc.query(
                dataSource,
                """
                SELECT a.attname::text AS name, format_type(a.atttypid, a.atttypmod) AS type, (a.atthasdef OR a.attidentity <> '') AS has_default
                FROM pg_attribute a
                JOIN pg_class c ON c.oid = a.attrelid
                JOIN pg_namespace n ON n.oid = c.relnamespace
                WHERE n.nspname = ? AND c.relname = ? AND c.relkind IN ('r', 'p') AND a.attnum > 0 AND NOT a.attisdropped
                ORDER BY a.attnum""",
                rs -> new Column(rs.getString("name"), rs.getString("type"), rs.getBoolean("has_default")),
                schema,
                name);
        if (rows.isEmpty()) return Optional.empty();
        Map<String, String> types = new LinkedHashMap<>();
        boolean idDefault = false;
        for (Column r : rows) {
            types.put(r.name(), r.type());
            if ("id".equals(r.name())) idDefault = r.hasDefault();
        }
        return Optional.of(new CommandTable(schema, name, types, idDefault));
    }

    /** @throws IllegalStateException naming what is missing */
    void requireUsable() {
        List<String> missing = missingColumns();
        if (!missing.isEmpty()) {
            throw new IllegalStateException("the command table " + key() + " lacks the column(s) "
                    + String.join(", ", missing) + " (it needs " + String.join(", ", REQUIRED_COLUMNS) + ")");
        }
    }

    public List<String> missingColumns() {
        return REQUIRED_COLUMNS.stream()
                .filter(c -> !columnTypes.containsKey(c))
                .toList();
    }

    /** The optional columns this table has. */
    public Set<String> optionalColumns() {
        Set<String> out = new TreeSet<>();
        for (String c : OPTIONAL_COLUMNS) if (columnTypes.containsKey(c)) out.add(c);
        return out;
    }

    public boolean has(String column) {
        return columnTypes.containsKey(column);
    }

    public boolean hasCreatedAt() {
        return has("created_at");
    }

    public boolean hasUpdatedAt() {
        return has("updated_at");
    }

    public boolean hasPickedAt() {
        return has("picked_at");
    }

    public boolean hasRequestedBy() {
        return has("requested_by");
    }

    public String idType() {
        return columnTypes.get("id");
    }

    /** {@code schema.table} unquoted: the name in logs, notifications and {@code valoratbot.claims}. */
    public String key() {
        return schema + "." + name;
    }

    /** {@code "schema"."table"}, for SQL. */
    String sqlName() {
        return quote(schema) + "." + quote(name);
    }

    /** Casts a text expression to the id's type, so lookups use the primary key's index. */
    String idFromText(String textExpression) {
        return "CAST(" + textExpression + " AS " + idType() + ")";
    }

    /** Casts a text expression to guild_id's type, so per-guild probes use the claim's index. */
    String guildFromText(String textExpression) {
        return "text".equals(columnTypes.get("guild_id"))
                ? textExpression
                : "CAST(" + textExpression + " AS " + columnTypes.get("guild_id") + ")";
    }

    String statusType() {
        return columnTypes.get("status");
    }

    String resultType() {
        return columnTypes.get("result");
    }

    /**
     * The column that tells when a command last changed: {@code updated_at}, else {@code picked_at},
     * else {@code created_at}; empty when the table has none of them.
     */
    Optional<String> changeTimestamp() {
        if (hasUpdatedAt()) return Optional.of("updated_at");
        if (hasPickedAt()) return Optional.of("picked_at");
        if (hasCreatedAt()) return Optional.of("created_at");
        return Optional.empty();
    }

    static String quote(String identifier) {
        return "\"" + identifier.replace("\"", "\"\"") + "\"";
    }
}
