package com.valoratbot.core.shard;

import static org.assertj.core.api.Assertions.assertThat;

import com.valoratbot.core.shard.SessionStartBudget.Limit;
import com.valoratbot.core.shard.SessionStartBudget.Verdict;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class SessionStartBudgetTest {

    static final Duration RESET = Duration.ofMinutes(185);

    @Test
    void aFullBudgetIsSpentWithoutAWord() {
        assertThat(SessionStartBudget.judge(new Limit(1000, 990, RESET), 0, 50)).isInstanceOf(Verdict.Plenty.class);
    }

    @Test
    void underATenthLeftItWarnsWithTheFiguresAndTheReset() {
        Verdict v = SessionStartBudget.judge(new Limit(1000, 99, RESET), 0, 50);
        assertThat(v).isInstanceOf(Verdict.Low.class);
        assertThat(((Verdict.Low) v).message()).contains("99 of 1000", "3 h 5 min");
    }

    @Test
    void theReserveIsNeverSpentCountingThisProcesssOwnStartsSinceTheReading() {
        assertThat(SessionStartBudget.judge(new Limit(1000, 60, RESET), 5, 50)).isInstanceOf(Verdict.Low.class);
        Verdict v = SessionStartBudget.judge(new Limit(1000, 60, RESET), 10, 50);
        assertThat(v).isInstanceOf(Verdict.Exhausted.class);
        assertThat(((Verdict.Exhausted) v).message()).contains("50 of 1000", "keep the last 50");
    }

    @Test
    void theDefaultReserveIsATwentiethAndAtLeastOne() {
        assertThat(SessionStartBudget.defaultReserve(1000)).isEqualTo(50);
        assertThat(SessionStartBudget.defaultReserve(3)).isEqualTo(1);
    }
}
