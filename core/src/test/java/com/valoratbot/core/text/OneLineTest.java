package com.valoratbot.core.text;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** A failure (a publication, a flush, a recovery) is logged on one line, whatever the database error's message carries. */
class OneLineTest {

    @Test
    void aFailureWhoseMessageCarriesItsWholeStatementIsOneLineWithItsRootCause() {
        RuntimeException e = new IllegalStateException(
                "SQL [WITH v AS (\n    SELECT * FROM unnest(?)\n), figures AS (\n    SELECT 1\n)]; FATAL: terminating connection",
                new RuntimeException(
                        "wrapper",
                        new IllegalArgumentException("FATAL: terminating connection due to administrator command")));

        String line = OneLine.of(e);

        assertThat(line).doesNotContain("\n").doesNotContain("figures");
        assertThat(line)
                .startsWith("java.lang.IllegalStateException: SQL [WITH v AS (")
                .endsWith(
                        "(cause: java.lang.IllegalArgumentException: FATAL: terminating connection due to administrator command)");
    }

    @Test
    void aFailureWithoutACauseIsItsOwnFirstLine() {
        assertThat(OneLine.of(new IllegalStateException("no table\nsecond line")))
                .isEqualTo("java.lang.IllegalStateException: no table");
    }
}
