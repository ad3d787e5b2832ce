package com.valoratbot.discord.music;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.valoratbot.core.port.music.QueueStore;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class QueueSnapshotTest {

    @Test
    void aSnapshotSurvivesItsJson() {
        QueueSnapshot s = new QueueSnapshot(
                1100000000000000001L,
                1100000000000000201L,
                true,
                Optional.of(new QueueSnapshot.SavedTrack("QAAA", "A", "http://x/a.wav")),
                12_345,
                List.of(new QueueSnapshot.SavedTrack("QBBB", null, null)),
                99);
        QueueSnapshot back = QueueSnapshot.fromJson(s.guildId(), s.toJson());
        assertThat(back).isEqualTo(s);
        assertThat(s.toJson()).contains("\"channelId\":\"1100000000000000201\"").contains("\"positionMs\":12345");
    }

    @Test
    void withoutACurrentTrackThePositionIsZero() {
        QueueSnapshot s = new QueueSnapshot(1, 2, false, Optional.empty(), 0, List.of(), 0);
        assertThat(QueueSnapshot.fromJson(1, s.toJson()).current()).isEmpty();
    }

    @Test
    void foreignDocumentsAreRefused() {
        assertThatThrownBy(() -> QueueSnapshot.fromJson(1, "{\"version\": 9}"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> QueueSnapshot.fromJson(1, "not json")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void theInMemoryStoreKeepsTheLatestDocumentPerGuild() {
        QueueStore store = QueueStore.inMemory();
        store.save(1, "a");
        store.save(1, "b");
        store.save(2, "c");
        store.delete(2);
        assertThat(store.loadAll()).containsExactly(java.util.Map.entry(1L, "b"));
    }
}
