package com.valoratbot.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class TestPostgresTest {

    @RegisterExtension
    static final TestPostgres db = new TestPostgres();

    @Test
    void theClassGetsAnEmptyDatabaseOfItsOwnNamedAfterIt() {
        assertThat(db.name()).endsWith("_testpostgrestest");
        assertThat(db.value("SELECT current_database()")).isEqualTo(db.name());
        assertThat(db.count("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'"))
                .isZero();
    }

    @Test
    void itsDataSourceAndItsPlainConnectionsReachTheSameDatabase() throws Exception {
        db.execute("CREATE TABLE IF NOT EXISTS seen (n int)");
        db.execute("INSERT INTO seen VALUES (?)", 7);
        try (Connection c = db.dataSource().getConnection();
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT sum(n) FROM seen")) {
            rs.next();
            assertThat(rs.getLong(1))
                    .isEqualTo(db.count("SELECT sum(n) FROM seen"))
                    .isPositive();
        }
        db.execute("DROP TABLE seen");
    }

    @Test
    void aStoppedServerStartsAgainOnTheSamePortWithTheSameData() {
        db.execute("CREATE TABLE kept (n int)");
        int port = TestPostgres.port();

        TestPostgres.stopServer();
        TestPostgres.startServer();

        assertThat(TestPostgres.port()).isEqualTo(port);
        assertThat(db.count("SELECT count(*) FROM pg_tables WHERE tablename = 'kept'"))
                .isEqualTo(1);
        db.execute("DROP TABLE kept");
    }
}
