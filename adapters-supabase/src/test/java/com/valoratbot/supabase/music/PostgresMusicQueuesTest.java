package com.valoratbot.supabase.music;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.valoratbot.supabase.TestDatabase;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The music module's queue documents in valoratbot.music_queues. */
class PostgresMusicQueuesTest {

    @RegisterExtension
    static final TestDatabase db = new TestDatabase();

    static final long GUILD = 1100000000000000001L;
    static final long OTHER = 1200000000000000001L;

    static String document(long channel, int queued) {
        StringBuilder queue = new StringBuilder();
        for (int i = 0; i < queued; i++)
            queue.append(i == 0 ? "" : ",")
                    .append("{\"track\": \"QAAA")
                    .append(i)
                    .append("\"}");
        return "{\"version\": 1, \"channelId\": \"" + channel + "\", \"paused\": false,"
                + " \"current\": {\"track\": \"QAAAcur\", \"positionMs\": 4200}, \"queue\": [" + queue + "]}";
    }

    @Test
    void documentsAreKeptPerGuildAcrossConnectionsAndReplacedByTheLatest() {
        PostgresMusicQueues queues = PostgresMusicQueues.on(db.open());
        assertThat(queues.loadAll()).isEmpty();

        queues.save(GUILD, document(1100000000000000201L, 1));
        queues.save(GUILD, document(1100000000000000201L, 3));
        queues.save(OTHER, document(1200000000000000201L, 0));

        PostgresMusicQueues afterRestart = PostgresMusicQueues.on(db.open());
        var saved = afterRestart.loadAll();
        assertThat(saved).containsOnlyKeys(GUILD, OTHER);
        assertThat(saved.get(GUILD)).contains("QAAA2").contains("\"positionMs\": 4200");
        assertThat(db.query("SELECT channel_id, tracks FROM valoratbot.music_queues WHERE guild_id = ?", GUILD))
                .containsExactly(List.of(1100000000000000201L, 4));

        afterRestart.delete(GUILD);
        afterRestart.delete(GUILD);
        assertThat(queues.loadAll()).containsOnlyKeys(OTHER);
    }

    @Test
    void aDocumentThatIsNotJsonIsRefused() {
        PostgresMusicQueues queues = PostgresMusicQueues.on(db.open());
        assertThatThrownBy(() -> queues.save(7, "not json")).isInstanceOf(RuntimeException.class);
    }
}
