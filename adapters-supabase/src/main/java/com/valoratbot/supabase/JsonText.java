package com.valoratbot.supabase;

/** JSON text as Postgres' {@code jsonb} accepts it. */
final class JsonText {

    private JsonText() {}

    /**
     * Replaces the escape {@code \u0000}, which {@code jsonb} rejects ("unsupported Unicode escape
     * sequence"), with U+FFFD. A result can echo a payload's text, so it may hold one.
     */
    static String storable(String json) {
        if (json == null || !json.contains("\\u0000")) return json;
        StringBuilder out = new StringBuilder(json.length());
        for (int i = 0; i < json.length(); i++) {
            char ch = json.charAt(i);
            if (ch == '\\' && i + 1 < json.length()) {
                if (json.startsWith("u0000", i + 1)) {
                    out.append("\\ufffd");
                    i += 5;
                } else {
                    out.append(ch).append(json.charAt(i + 1));
                    i++;
                }
            } else {
                out.append(ch);
            }
        }
        return out.toString();
    }
}
