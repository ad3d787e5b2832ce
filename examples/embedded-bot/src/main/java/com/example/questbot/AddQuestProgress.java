package com.example.questbot;

import com.valoratbot.core.command.PayloadReader;
import com.valoratbot.core.command.Snowflake;
import com.valoratbot.core.port.CommandContext;
import com.valoratbot.core.result.Result;
import com.valoratbot.core.run.CustomAction;
import java.sql.SQLException;
import java.util.Optional;

/**
 * The dashboard's {@code ADD_QUEST_PROGRESS}: a row
 * {@code {"userId": "…", "questId": "…", "amount": 3}} adds to a member's progress and answers
 * {@code {"ok": true, "userId": "…", "questId": "…", "progress": 8}}.
 *
 * <p>The backend runs it as one of its own actions: in its guild's order, refused when expired or
 * rate-limited, its payload size-checked before {@link #read} sees it. A payload {@link #read}
 * refuses ends {@code invalid_payload} with a reason naming each field, in the backend's language.
 */
public final class AddQuestProgress implements CustomAction<AddQuestProgress.Grant, AddQuestProgress.Progress> {

    /** The validated payload. */
    public record Grant(Snowflake userId, String questId, int amount) {}

    /** The result, written by Jackson next to {@code "ok": true}. Ids as strings: JavaScript numbers lose snowflakes' digits. */
    public record Progress(String userId, String questId, long progress) {}

    private final QuestStore quests;

    public AddQuestProgress(QuestStore quests) {
        this.quests = quests;
    }

    @Override
    public String wireName() {
        return "ADD_QUEST_PROGRESS";
    }

    /**
     * False: running it twice would grant the progress twice. So if a worker dies after starting
     * one, the backend ends it {@code interrupted} rather than run it again.
     */
    @Override
    public boolean idempotent() {
        return false;
    }

    @Override
    public Optional<Grant> read(PayloadReader in) {
        // Each reader records its own problem (missing, wrong type, out of range), so all are reported at once.
        Optional<Snowflake> user = in.requiredSnowflake("userId");
        Optional<String> quest = in.requiredText("questId", 64);
        Optional<Integer> amount = in.requiredInt("amount", 1, 1000);
        if (user.isEmpty() || quest.isEmpty() || amount.isEmpty()) return Optional.empty();
        return Optional.of(new Grant(user.get(), quest.get(), amount.get()));
    }

    // No access(): it touches no channel and asks no Discord permission, so the dashboard's rows,
    // which say nobody's name (no requested_by), may run it.

    @Override
    public Result<Progress> run(CommandContext context, Grant grant) {
        try {
            long total = quests.add(context.guildId().value(), grant.userId().value(), grant.questId(), grant.amount());
            return Result.ok(new Progress(grant.userId().toString(), grant.questId(), total));
        } catch (SQLException e) {
            // Ends internal_error with the backend's generic reason; the details stay in our log.
            throw new IllegalStateException("quest progress not saved: " + e.getMessage(), e);
        }
    }
}
