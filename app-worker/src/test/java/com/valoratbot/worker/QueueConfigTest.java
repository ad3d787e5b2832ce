package com.valoratbot.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** VALORATBOT_FOREIGN_ACTIONS is checked when the settings are read, before any database is opened. */
class QueueConfigTest {

    private static QueueConfig foreign(String value) {
        return QueueConfig.from(Settings.of(Map.of("VALORATBOT_FOREIGN_ACTIONS", value)));
    }

    @Test
    void namesAreStrippedAndEmptyEntriesIgnored() {
        assertThat(foreign(" ADD_QUEST_PROGRESS ,\tcasino.spin,, ").foreignActions())
                .containsExactlyInAnyOrder("ADD_QUEST_PROGRESS", "casino.spin");
    }

    @Test
    void oneOfOurOwnActionsIsRefusedWithAMessageSayingWhy() {
        assertThatThrownBy(() -> foreign("ADD_QUEST_PROGRESS, purge "))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("VALORATBOT_FOREIGN_ACTIONS")
                .hasMessageContaining("'purge'")
                .hasMessageContaining("own actions");
    }

    @Test
    void aNameThatIsNoActionNameIsRefusedNamingTheSetting() {
        assertThatThrownBy(() -> foreign("ADD QUEST"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("VALORATBOT_FOREIGN_ACTIONS")
                .hasMessageContaining("not an action name: 'ADD QUEST'");
    }

    @Test
    void theWorkerRefusesToStartBeforeOpeningItsDatabase() {
        // The database settings point nowhere reachable: an error about them would mean it was opened first.
        Settings s = Settings.of(Map.of(
                "DISCORD_TOKEN",
                "t",
                "VALORATBOT_FOREIGN_ACTIONS",
                "announce",
                "DATABASE_URL",
                "postgresql://nobody@127.0.0.1:1/none"));
        assertThatThrownBy(() -> WorkerApp.start(s, false))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("VALORATBOT_FOREIGN_ACTIONS")
                .hasMessageContaining("'announce'");
    }
}
