package com.valoratbot.core.text;

/**
 * An exception for a log line that stays one line: its first line and its root cause's. A database
 * error's message may carry its whole statement (jOOQ's "SQL [...]"), thirty lines each time the
 * database goes away (DatabaseStartUpTest allows a few clear lines for an outage).
 */
public final class OneLine {

    private OneLine() {}

    public static String of(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) root = root.getCause();
        String first = firstLine(e);
        return root == e ? first : first + " (cause: " + firstLine(root) + ")";
    }

    private static String firstLine(Throwable t) {
        return String.valueOf(t).lines().findFirst().orElse("").strip();
    }
}
