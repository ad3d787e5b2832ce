package com.valoratbot.core.port;

import com.valoratbot.core.command.Snowflake;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What @everyone's overwrite on a channel was before the bot locked it, so unlock restores exactly
 * that (remembered across restarts in the database), not a blanket allow.
 */
public interface RememberLocks {

    /** Saves the pre-lock state unless one is already saved (locking twice keeps the first). */
    void rememberIfAbsent(Snowflake guildId, Snowflake channelId, SavedOverwrite before);

    Optional<SavedOverwrite> recall(Snowflake guildId, Snowflake channelId);

    void forget(Snowflake guildId, Snowflake channelId);

    /**
     * @param existed false when @everyone had no overwrite at all: unlock then removes the overwrite
     *                rather than leaving an empty one behind
     */
    record SavedOverwrite(boolean existed, long allow, long deny) {}

    /** For embedders without a database and for tests: forgets everything on restart. */
    static RememberLocks inMemory() {
        Map<String, SavedOverwrite> saved = new ConcurrentHashMap<>();
        return new RememberLocks() {
            public void rememberIfAbsent(Snowflake g, Snowflake c, SavedOverwrite before) {
                saved.putIfAbsent(g + "/" + c, before);
            }

            public Optional<SavedOverwrite> recall(Snowflake g, Snowflake c) {
                return Optional.ofNullable(saved.get(g + "/" + c));
            }

            public void forget(Snowflake g, Snowflake c) {
                saved.remove(g + "/" + c);
            }
        };
    }
}
