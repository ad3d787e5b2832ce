package com.valoratbot.supabase;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The database URL and the other settings, validated before anything connects. Reading them from
 * the environment (the variables' names in messages) is app-worker's DatabaseConfigTest.
 */
class DatabaseSettingsTest {

    static DatabaseSettings url(String url) {
        return DatabaseSettings.builder().url(url).build();
    }

    @Test
    void supabasesPoolerUrlOnPort6543TurnsOffPreparedStatementsAndListen() {
        DatabaseSettings s = url(
                "postgres://postgres.abcdefgh:s3cr%40t%2Fx@aws-0-eu-west-3.pooler.supabase.com:6543/postgres?sslmode=require");

        assertThat(s.jdbcUrl())
                .contains("jdbc:postgresql://aws-0-eu-west-3.pooler.supabase.com:6543/postgres?sslmode=require");
        assertThat(s.user()).contains("postgres.abcdefgh");
        assertThat(s.password()).contains("s3cr@t/x");
        assertThat(s.usesTransactionPooler()).isTrue();
        assertThat(s.connectionProperties().getProperty("prepareThreshold")).isEqualTo("0");
        assertThat(s.listenByDefault()).isFalse();
        assertThat(s.toString())
                .contains("postgres.abcdefgh:***@aws-0-eu-west-3.pooler.supabase.com:6543")
                .doesNotContain("s3cr");
        assertThat(s.describe()).doesNotContain("s3cr");
    }

    @Test
    void aDirectConnectionUrlKeepsPreparedStatementsAndListens() {
        DatabaseSettings s = url("postgresql://postgres:pw@db.abcdefgh.supabase.co:5432/postgres?sslmode=require");

        assertThat(s.usesTransactionPooler()).isFalse();
        assertThat(s.connectionProperties().getProperty("prepareThreshold")).isNull();
        assertThat(s.listenByDefault()).isTrue();
        assertThat(s.connectionProperties().getProperty("password")).isEqualTo("pw");
        assertThat(s.jdbcUrl()).contains("jdbc:postgresql://db.abcdefgh.supabase.co:5432/postgres?sslmode=require");
    }

    @Test
    void aUrlWithoutPasswordOrPortUsesTheDefaultPortAndNoPassword() {
        DatabaseSettings s = url("postgres://bot@localhost/valoratbot");

        assertThat(s.jdbcUrl()).contains("jdbc:postgresql://localhost/valoratbot");
        assertThat(s.user()).contains("bot");
        assertThat(s.hasPassword()).isFalse();
        assertThat(s.usesTransactionPooler()).isFalse();
        assertThat(s.toString()).doesNotContain("***");
    }

    @Test
    void aPasswordWithAnUnencodedAtSignIsStillSplitAtTheLastAt() {
        DatabaseSettings s = url("postgres://u:p@ss:w@rd@host:5432/db");

        assertThat(s.user()).contains("u");
        assertThat(s.password()).contains("p@ss:w@rd");
        assertThat(s.jdbcUrl()).contains("jdbc:postgresql://host:5432/db");
        assertThat(s.toString()).contains("u:***@host").doesNotContain("ss:w");
    }

    @Test
    void aJdbcUrlIsAcceptedAndItsCredentialParametersMasked() {
        DatabaseSettings s = url("jdbc:postgresql://h1:5433,h2:5433/db?user=x&password=hunter2&ssl=true");

        assertThat(s.jdbcUrl()).contains("jdbc:postgresql://h1:5433,h2:5433/db?ssl=true");
        assertThat(s.user()).contains("x");
        assertThat(s.password()).contains("hunter2");
        assertThat(s.toString()).doesNotContain("hunter2");
        assertThat(DatabaseSettings.mask("jdbc:postgresql://h/db?user=x&password=hunter2&ssl=true"))
                .isEqualTo("jdbc:postgresql://h/db?user=x&password=***&ssl=true");
    }

    @Test
    void pgbouncerTrueMarksATransactionPoolerOnAnyPort() {
        DatabaseSettings s = url("postgres://u:p@pooler:5432/db?pgbouncer=true&sslmode=require");

        assertThat(s.usesTransactionPooler()).isTrue();
        assertThat(s.jdbcUrl()).contains("jdbc:postgresql://pooler:5432/db?sslmode=require");
    }

    @Test
    void aUserAndPasswordGivenApartOverrideTheUrls() {
        DatabaseSettings s = DatabaseSettings.builder()
                .url("postgres://u:p@host/db")
                .user("admin")
                .password("other")
                .build();

        assertThat(s.user()).contains("admin");
        assertThat(s.password()).contains("other");
        assertThat(s.toString()).doesNotContain("other").doesNotContain(":p@");
    }

    @Test
    void theBuilderAndToBuilderRoundTrip() {
        DatabaseSettings s = DatabaseSettings.builder()
                .url("postgres://u:p@h:6543/d")
                .table("x.y")
                .poolSize(3)
                .build();

        DatabaseSettings copy = s.toBuilder().build();

        assertThat(copy.toString()).isEqualTo(s.toString());
        assertThat(Map.of("pooler", copy.usesTransactionPooler(), "table", copy.qualifiedTable()))
                .containsEntry("pooler", true)
                .containsEntry("table", "x.y");
    }

    @Test
    void valoratbotPoolerSaysTheModeOnAnyPortAndWinsOverThePortsGuess() {
        DatabaseSettings transaction = DatabaseSettings.builder()
                .url("postgres://u:p@127.0.0.1:41234/d")
                .pooler("transaction")
                .build();
        assertThat(transaction.pooler()).isEqualTo(DatabaseSettings.Pooler.TRANSACTION);
        assertThat(transaction.listenByDefault()).isFalse();
        assertThat(transaction.connectionProperties().getProperty("prepareThreshold"))
                .isEqualTo("0");

        DatabaseSettings session = DatabaseSettings.builder()
                .url("postgres://u:p@pooler.example:6543/d")
                .pooler("session")
                .build();
        assertThat(session.pooler()).isEqualTo(DatabaseSettings.Pooler.SESSION);
        assertThat(session.listenByDefault()).isTrue();
        assertThat(session.connectionProperties().getProperty("prepareThreshold"))
                .isNull();
        assertThat(session.toString()).contains("session pooler");

        assertThat(DatabaseSettings.builder()
                        .url("postgres://u:p@h:6543/d")
                        .pooler("auto")
                        .build()
                        .pooler())
                .isEqualTo(DatabaseSettings.Pooler.TRANSACTION);
        assertThat(url("postgres://u:p@h:5432/d").pooler()).isEqualTo(DatabaseSettings.Pooler.NONE);
        assertThat(DatabaseSettings.builder()
                        .url("postgres://u:p@h:6543/d")
                        .pooler("none")
                        .build()
                        .usesTransactionPooler())
                .isFalse();
        assertThat(DatabaseSettings.builder().url("postgres://u:p@h:5432/d").pooler("session").build().toBuilder()
                        .build()
                        .pooler())
                .isEqualTo(DatabaseSettings.Pooler.SESSION);
        assertThatThrownBy(() -> DatabaseSettings.builder()
                        .url("postgres://u:p@h/d")
                        .pooler("statement")
                        .build())
                .hasMessageContaining("transaction, session");
    }

    @Test
    void everyConnectionHasConnectLoginAndSocketTimeoutsUnlessTheUrlSetsItsOwn() {
        var p = url("postgres://u:p@h:5432/d").connectionProperties();
        assertThat(p.getProperty("connectTimeout")).isEqualTo("5");
        assertThat(p.getProperty("loginTimeout")).isEqualTo("6");
        assertThat(p.getProperty("socketTimeout")).isEqualTo("120");
        assertThat(p.getProperty("tcpKeepAlive")).isEqualTo("true");
        assertThat(url("postgres://u:p@h:5432/d").loginTimeoutSeconds()).isEqualTo(6);
        assertThat(DatabaseSettings.builder().build().loginTimeoutSeconds())
                .as("the embedded database")
                .isEqualTo(6);
    }

    @Test
    void aTimeoutTheUrlSetsItselfIsWhatTheDriverAndStartUpUse() {
        DatabaseSettings s = url("postgres://u:p@h:5432/d?sslmode=require&loginTimeout=20&socketTimeout=0");
        var p = s.connectionProperties();
        // Ours only where the URL is silent; the URL's stay in the URL...
        assertThat(p.getProperty("connectTimeout")).isEqualTo("5");
        assertThat(p).doesNotContainKeys("loginTimeout", "socketTimeout");
        assertThat(s.jdbcUrl().orElseThrow()).contains("loginTimeout=20").contains("socketTimeout=0");
        // ...and pgjdbc itself, merging URL and properties, ends up with the URL's values.
        var effective = org.postgresql.Driver.parseURL(s.jdbcUrl().orElseThrow(), p);
        assertThat(effective.getProperty("loginTimeout")).isEqualTo("20");
        assertThat(effective.getProperty("socketTimeout")).isEqualTo("0");
        assertThat(effective.getProperty("connectTimeout")).isEqualTo("5");
        // Start-up's own log-in deadline agrees with the URL; "0" (no limit for pgjdbc) still ends.
        assertThat(s.loginTimeoutSeconds()).isEqualTo(20);
        assertThat(url("jdbc:postgresql://h/d?LOGINTIMEOUT=0").loginTimeoutSeconds())
                .isEqualTo(86_400);
    }

    @Test
    void aRefusedOrRestartingDatabaseIsWorthWaitingForButASilentOneOrAWrongPasswordIsNot() {
        var refused = new java.sql.SQLException(
                "Connection to localhost:5 refused", "08001", new java.net.ConnectException("Connection refused"));
        var startingUp = new java.sql.SQLException("FATAL: the database system is starting up", "57P03");
        var silent = new java.sql.SQLException("Connection attempt timed out.", "08001");
        var wrongPassword = new java.sql.SQLException("FATAL: password authentication failed", "28P01");
        var poolTimedOutOnRefusals = new java.sql.SQLTransientConnectionException(
                "valoratbot - Connection is not available, request timed out after 5003ms", "08001", refused);

        assertThat(Database.unavailable(new IllegalStateException("cannot use the database", refused)))
                .isTrue();
        assertThat(Database.unavailable(startingUp)).isTrue();
        assertThat(Database.unavailable(poolTimedOutOnRefusals)).isTrue();
        assertThat(Database.unavailable(new IllegalStateException("x", silent))).isFalse();
        assertThat(Database.unavailable(new RuntimeException(new java.net.SocketTimeoutException("Read timed out"))))
                .isFalse();
        assertThat(Database.unavailable(wrongPassword)).isFalse();
    }
}
