package com.valoratbot.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import org.junit.jupiter.api.Test;

class BenchServerTest {

    @Test
    void anEmbeddedServerStartedByABenchmarkFlushesEveryCommitToDisk() throws Exception {
        try (BenchServer server = BenchServer.embedded(true)) {
            assertThat(show(server, "fsync")).isEqualTo("on");
            assertThat(show(server, "synchronous_commit")).isEqualTo("on");
            assertThat(show(server, "full_page_writes")).isEqualTo("on");
            assertThat(server.settingsJson())
                    .contains(
                            "\"fsync\":\"on\"",
                            "\"synchronous_commit\":\"on\"",
                            "\"server_version\":",
                            "\"machineCores\":");
        }
    }

    @Test
    void withNoFsyncTheEmbeddedServerSkipsTheFlushesAndSaysSo() throws Exception {
        try (BenchServer server = BenchServer.start(BenchServer.Options.parse(new String[] {"--no-fsync"}))) {
            assertThat(show(server, "fsync")).isEqualTo("off");
            assertThat(show(server, "synchronous_commit")).isEqualTo("off");
            assertThat(server.settingsJson()).contains("--no-fsync", "\"fsync\":\"off\"");
        }
    }

    @Test
    void aScratchDatabaseStartsEmptyEveryTime() throws Exception {
        try (BenchServer server = BenchServer.embedded(false)) {
            String db = server.scratch("bench_test");
            try (Connection c = server.connect(db);
                    Statement s = c.createStatement()) {
                s.execute("CREATE TABLE left_behind (id int)");
            }
            server.scratch("bench_test");
            try (Connection c = server.connect(db);
                    Statement s = c.createStatement();
                    ResultSet rs = s.executeQuery("SELECT count(*) FROM pg_tables WHERE tablename = 'left_behind'")) {
                rs.next();
                assertThat(rs.getInt(1)).isZero();
            }
        }
    }

    @Test
    void aDbUrlKeepsItsPercentEncodedCredentialsAndTargetsThatServer() {
        BenchServer server = BenchServer.external("postgres://bench%40user:p%3Aw%2Fd@127.0.0.1:54351/postgres");
        assertThat(server.libpqUrl("bench_x")).isEqualTo("postgres://bench%40user:p%3Aw%2Fd@127.0.0.1:54351/bench_x");
        assertThat(server.jdbcUrl("bench_x"))
                .isEqualTo("jdbc:postgresql://127.0.0.1:54351/bench_x?user=bench%40user&password=p%3Aw%2Fd");
        assertThat(server.toString()).contains("127.0.0.1:54351").doesNotContain("p:w");
    }

    @Test
    void optionsTakeNamedValuesAndLeavePositionalArgumentsInOrder() {
        BenchServer.Options o = BenchServer.Options.parse(
                new String[] {"3", "--db", "postgres://x@h/d", "500", "--drain-keys", "200,20000", "--peers"});
        assertThat(o.positional(0, 0)).isEqualTo(3);
        assertThat(o.positional(1, 0)).isEqualTo(500);
        assertThat(o.value("--db")).contains("postgres://x@h/d");
        assertThat(o.ints("--drain-keys", java.util.List.of())).containsExactly(200, 20_000);
        assertThat(o.flag("--peers")).isTrue();
        assertThat(o.flag("--no-fsync")).isFalse();
    }

    private static String show(BenchServer server, String setting) throws Exception {
        try (Connection c = server.connect("postgres");
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SHOW " + setting)) {
            rs.next();
            return rs.getString(1);
        }
    }
}
