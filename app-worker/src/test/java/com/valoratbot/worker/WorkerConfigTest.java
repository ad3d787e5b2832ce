package com.valoratbot.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.valoratbot.core.text.Language;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneId;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WorkerConfigTest {

    @Test
    void defaultsAreTheDocumentedOnes() {
        WorkerConfig c = WorkerConfig.from(Settings.of(Map.of("DISCORD_TOKEN", "t")), false);
        assertThat(c.language()).isEqualTo(Language.FR);
        assertThat(c.maxAge()).isEqualTo(Duration.ofSeconds(24));
        assertThat(c.lease()).isEqualTo(Duration.ofSeconds(30));
        assertThat(c.heartbeatInterval()).isEqualTo(Duration.ofSeconds(10));
        assertThat(c.pollInterval()).isEqualTo(Duration.ofMillis(500));
        assertThat(c.maxPurgeAmount()).isEqualTo(1000);
        assertThat(c.guildCommandsPerWindow()).isEqualTo(20);
        assertThat(c.guildWindow()).isEqualTo(Duration.ofSeconds(10));
        assertThat(c.purgeInterval()).isEqualTo(Duration.ofSeconds(5));
        assertThat(c.defaultTimeZone()).isEqualTo(ZoneId.of("Europe/Paris"));
        assertThat(c.announceGrace()).isEqualTo(Duration.ofHours(1));
        assertThat(c.sandboxPort()).isEqualTo(8099);
    }

    @Test
    void withoutATokenOutsideTheSandboxTheErrorNamesBothWaysForward() {
        assertThatThrownBy(() -> WorkerConfig.from(Settings.of(Map.of()), false))
                .isInstanceOf(WorkerConfig.MissingTokenException.class)
                .hasMessageContaining("DISCORD_TOKEN")
                .hasMessageContaining("--sandbox");
        assertThat(WorkerConfig.from(Settings.of(Map.of()), true).sandbox()).isTrue();
        assertThat(WorkerConfig.from(Settings.of(Map.of("VALORATBOT_SANDBOX", "yes")), false)
                        .sandbox())
                .isTrue();
    }

    @Test
    void theTokenNeverAppearsInTheConfigurationsText() {
        WorkerConfig c = WorkerConfig.from(Settings.of(Map.of("DISCORD_TOKEN", "MTIz.secret-token-value")), false);
        assertThat(c.toString()).doesNotContain("secret-token-value").contains("****");
    }

    @Test
    void durationsReadTheWaysDocumented() {
        assertThat(Settings.parseDuration("K", "500ms")).isEqualTo(Duration.ofMillis(500));
        assertThat(Settings.parseDuration("K", "30s")).isEqualTo(Duration.ofSeconds(30));
        assertThat(Settings.parseDuration("K", "45")).isEqualTo(Duration.ofSeconds(45));
        assertThat(Settings.parseDuration("K", "5m")).isEqualTo(Duration.ofMinutes(5));
        assertThat(Settings.parseDuration("K", "1h")).isEqualTo(Duration.ofHours(1));
        assertThat(Settings.parseDuration("K", "PT2S")).isEqualTo(Duration.ofSeconds(2));
    }

    @Test
    void aBadValueStopsStartUpWithAMessageNamingTheKey() {
        assertThatThrownBy(() -> WorkerConfig.from(
                        Settings.of(Map.of("DISCORD_TOKEN", "t", "VALORATBOT_MAX_AGE", "soon")), false))
                .hasMessageContaining("VALORATBOT_MAX_AGE")
                .hasMessageContaining("soon");
        assertThatThrownBy(() -> WorkerConfig.from(
                        Settings.of(Map.of("DISCORD_TOKEN", "t", "VALORATBOT_MAX_PURGE", "0")), false))
                .hasMessageContaining("VALORATBOT_MAX_PURGE");
        assertThatThrownBy(() -> WorkerConfig.from(
                        Settings.of(Map.of("DISCORD_TOKEN", "t", "VALORATBOT_LANGUAGE", "de")), false))
                .hasMessageContaining("fr or en");
        assertThatThrownBy(() -> WorkerConfig.from(
                        Settings.of(Map.of("DISCORD_TOKEN", "t", "VALORATBOT_TIMEZONE", "Paris")), false))
                .hasMessageContaining("VALORATBOT_TIMEZONE");
        assertThatThrownBy(() ->
                        WorkerConfig.from(Settings.of(Map.of("DISCORD_TOKEN", "t", "VALORATBOT_LEASE", "1s")), false))
                .hasMessageContaining("VALORATBOT_LEASE");
    }

    @Test
    void musicReadsLocalFilesAndPrivateAddressesOnlyInTheSandboxUnlessAskedFor() {
        WorkerConfig discord = WorkerConfig.from(Settings.of(Map.of("DISCORD_TOKEN", "t")), false);
        assertThat(discord.musicLocalFiles()).isFalse();
        assertThat(discord.musicPrivateUrls()).isFalse();
        WorkerConfig sandbox = WorkerConfig.from(Settings.of(Map.of()), true);
        assertThat(sandbox.musicLocalFiles()).isTrue();
        assertThat(sandbox.musicPrivateUrls()).isTrue();
        assertThat(WorkerConfig.from(
                                Settings.of(Map.of("DISCORD_TOKEN", "t", "VALORATBOT_MUSIC_PRIVATE_URLS", "true")),
                                false)
                        .musicPrivateUrls())
                .isTrue();
    }

    @Test
    void aMisspeltSettingIsRefusedRatherThanIgnored() {
        assertThatThrownBy(() -> WorkerConfig.from(
                        Settings.of(Map.of("DISCORD_TOKEN", "t", "VALORATBOT_MAX_AEG", "30s")), false))
                .hasMessageContaining("unknown setting VALORATBOT_MAX_AEG")
                .hasMessageContaining("VALORATBOT_MAX_AGE");
        assertThat(WorkerConfig.from(
                        Settings.of(Map.of("DISCORD_TOKEN", "t", "VALORATBOT_DATA_DIR", "/tmp/x", "PATH", "/bin")),
                        false))
                .isNotNull();
    }

    @Test
    void settingsReadByTheLauncherScriptAreKnownToo() {
        // ./valoratbot reads these before the JVM starts; an operator exports them beside the worker's own.
        assertThat(WorkerConfig.from(
                        Settings.of(Map.of(
                                "DISCORD_TOKEN", "t", "VALORATBOT_AOT", "off", "VALORATBOT_JAVA_OPTS", "-Xmx512m")),
                        false))
                .isNotNull();
    }

    @Test
    void aConfigurationFileIsReadAndTheEnvironmentWins(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("valoratbot.properties");
        Files.writeString(file, "DISCORD_TOKEN=from-file\nVALORATBOT_LANGUAGE=en\nVALORATBOT_MAX_AGE=90s\n");
        Settings s = Settings.load(Map.of("VALORATBOT_CONFIG", file.toString(), "VALORATBOT_MAX_AGE", "30s"));
        WorkerConfig c = WorkerConfig.from(s, false);
        assertThat(c.discordToken()).contains("from-file");
        assertThat(c.language()).isEqualTo(Language.EN);
        assertThat(c.maxAge()).isEqualTo(Duration.ofSeconds(30));
    }

    @Test
    void anUnreadableConfigurationFileIsNamed() {
        assertThatThrownBy(() -> Settings.load(Map.of("VALORATBOT_CONFIG", "/nonexistent/valoratbot.properties")))
                .hasMessageContaining("/nonexistent/valoratbot.properties");
    }

    @Test
    void securitySettingsDefaultToWhatKeepsTodaysDashboardWorking() {
        WorkerConfig c = WorkerConfig.from(Settings.of(Map.of("DISCORD_TOKEN", "t")), false);
        assertThat(c.anonymousRows()).isEqualTo(com.valoratbot.core.run.AnonymousRows.ALL_BUT_MASS_MENTIONS);
        assertThat(c.maxPendingSchedules()).isEqualTo(100);
        assertThat(c.scheduleHorizon()).isEqualTo(Duration.ofDays(366));
    }

    @Test
    void anonymousRowsAndScheduleLimitsAreReadAndCheckedAtStartUp() {
        WorkerConfig c = WorkerConfig.from(
                Settings.of(Map.of(
                        "DISCORD_TOKEN",
                        "t",
                        "VALORATBOT_ANONYMOUS_ROWS",
                        " Read-Only ",
                        "VALORATBOT_MAX_PENDING_SCHEDULES",
                        "5",
                        "VALORATBOT_SCHEDULE_HORIZON",
                        "30d")),
                false);
        assertThat(c.anonymousRows()).isEqualTo(com.valoratbot.core.run.AnonymousRows.READ_ONLY);
        assertThat(c.maxPendingSchedules()).isEqualTo(5);
        assertThat(c.scheduleHorizon()).isEqualTo(Duration.ofDays(30));

        assertThatThrownBy(() -> WorkerConfig.from(
                        Settings.of(Map.of("DISCORD_TOKEN", "t", "VALORATBOT_ANONYMOUS_ROWS", "nobody")), false))
                .hasMessageContaining("VALORATBOT_ANONYMOUS_ROWS")
                .hasMessageContaining("read-only");
        assertThatThrownBy(() -> WorkerConfig.from(
                        Settings.of(Map.of("DISCORD_TOKEN", "t", "VALORATBOT_SCHEDULE_HORIZON", "36500d")), false))
                .hasMessageContaining("VALORATBOT_SCHEDULE_HORIZON");
    }
}
