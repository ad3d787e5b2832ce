package com.valoratbot.core.port;

import java.util.List;

public interface CompleteCommands {

    /**
     * Writes final outcomes in one round trip. A completion for a command this worker no longer
     * holds (its lease expired and another worker recovered it) is ignored, never overwrites.
     */
    void complete(List<Completion> completions);

    /** @param resultJson the {@code result} column: {@code {"ok": true, ...}} or {@code {"ok": false, "reason", "code"}} */
    record Completion(String commandId, boolean ok, String resultJson) {}
}
