package com.valoratbot.supabase;

import java.util.List;

/**
 * What an id typed by an operator names: one command, none, or several (a prefix shared by more
 * than one id). The CLI turns each case into its own message; nothing here throws.
 */
public sealed interface IdLookup {

    /** Exactly one command: the full id, or a prefix only it has. */
    record Found(CommandRow row) implements IdLookup {}

    /** No command has this id or starts with it. */
    record NotFound(String text) implements IdLookup {}

    /**
     * Several commands start with this prefix.
     *
     * @param candidates some of their ids, newest first (at most {@link CommandAdmin#MAX_CANDIDATES})
     */
    record Ambiguous(String prefix, List<String> candidates) implements IdLookup {
        public Ambiguous {
            candidates = List.copyOf(candidates);
        }
    }
}
