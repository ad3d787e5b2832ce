package com.valoratbot.discord;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import net.dv8tion.jda.api.Permission;
import org.junit.jupiter.api.Test;

class DiscordGatewayBuilderTest {

    @Test
    void aTokenIsRequiredAndMustLookLikeOne() {
        assertThatThrownBy(() -> DiscordGateway.builder().build())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("token");
        assertThatThrownBy(() -> DiscordGateway.builder().token(" ")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> DiscordGateway.builder().token("two words"))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void theTokenNeverShowsInToString() {
        DiscordGateway gateway =
                DiscordGateway.builder().token("MTIzNDU2.secret-part.xyz").build();

        assertThat(gateway.toString()).doesNotContain("MTIz", "secret", "xyz").contains("token=****");
    }

    @Test
    void urlsAndSettingsAreValidatedBeforeAnythingConnects() {
        var b = DiscordGateway.builder();
        assertThatThrownBy(() -> b.restBaseUrl("ftp://example.com/")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> b.restBaseUrl("not a url")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> b.gatewayUrl("http://127.0.0.1:1/gateway"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> b.rateLimit(0, Duration.ofSeconds(1))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> b.purgeRateLimit(1, Duration.ZERO)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> b.commandTimeout(Duration.ofSeconds(-1))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> b.readyTimeout(null)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> b.lockMemory(null)).isInstanceOf(NullPointerException.class);
    }

    @Test
    void portsAnswerGuildNotFoundBeforeStartInsteadOfThrowing() {
        DiscordGateway gateway = DiscordGateway.builder().token("unused").build();
        var context = new com.valoratbot.core.port.CommandContext(
                "c1", com.valoratbot.core.command.Snowflake.of(Sandbox.GUILD), java.util.Optional.empty());

        var result = gateway.channels().textChannels(context);

        assertThat(result)
                .isInstanceOfSatisfying(
                        com.valoratbot.core.result.Result.Err.class,
                        err -> assertThat(err.failure().code())
                                .isEqualTo(com.valoratbot.core.result.ErrorCode.GUILD_NOT_FOUND));
        assertThatThrownBy(gateway::jda).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void aRefusedTokenFailsStartWithAClearError() {
        try (var standIn = com.valoratbot.standin.DiscordStandIn.builder()
                .port(0)
                .botToken("right")
                .build()
                .start()) {
            DiscordGateway gateway = DiscordGateway.builder()
                    .token("wrong")
                    .restBaseUrl(standIn.restBaseUrl())
                    .gatewayUrl(standIn.gatewayUrl())
                    .readyTimeout(Duration.ofSeconds(10))
                    .build();

            assertThatThrownBy(gateway::start)
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("login failed");
        }
    }

    @Test
    void anEmbedderCanAddToJDAsBuilderBeforeLoginAndSeesREADY() {
        try (var standIn = com.valoratbot.standin.DiscordStandIn.builder()
                .port(0)
                .botToken("t")
                .build()
                .start()) {
            var ready = new java.util.concurrent.atomic.AtomicBoolean();
            DiscordGateway gateway = DiscordGateway.builder()
                    .token("t")
                    .restBaseUrl(standIn.restBaseUrl())
                    .gatewayUrl(standIn.gatewayUrl())
                    .configureJda(jda -> jda.addEventListeners((net.dv8tion.jda.api.hooks.EventListener) event -> {
                        if (event instanceof net.dv8tion.jda.api.events.session.ReadyEvent) ready.set(true);
                    }))
                    .build();
            try (gateway) {
                gateway.start();
                assertThat(ready).isTrue();
                assertThat(gateway.jda().getGatewayIntents())
                        .containsExactlyInAnyOrder(
                                net.dv8tion.jda.api.requests.GatewayIntent.GUILD_VOICE_STATES,
                                net.dv8tion.jda.api.requests.GatewayIntent.GUILD_MESSAGES);
            }
        }
    }

    @Test
    void theInviteAsksForExactlyWhatTheActionsNeedAndNoMore() {
        assertThat(DiscordGateway.invitePermissions())
                .containsExactlyInAnyOrder(
                        Permission.VIEW_CHANNEL,
                        Permission.MESSAGE_SEND,
                        Permission.MESSAGE_SEND_IN_THREADS,
                        Permission.CREATE_PUBLIC_THREADS,
                        Permission.CREATE_PRIVATE_THREADS,
                        Permission.MESSAGE_EMBED_LINKS,
                        Permission.MESSAGE_ATTACH_FILES,
                        Permission.MESSAGE_HISTORY,
                        Permission.MESSAGE_MANAGE,
                        Permission.MANAGE_CHANNEL,
                        Permission.MANAGE_ROLES,
                        Permission.MESSAGE_MENTION_EVERYONE,
                        Permission.VOICE_CONNECT,
                        Permission.VOICE_SPEAK);
        assertThat(DiscordGateway.invitePermissions())
                .doesNotContain(Permission.ADMINISTRATOR, Permission.MANAGE_SERVER);
        // The integer docs/invite-bot.md gives; it must change together with this set.
        assertThat(Permission.getRaw(DiscordGateway.invitePermissions())).isEqualTo(378_228_960_272L);
        assertThat(DiscordGateway.inviteUrl("123456789012345678"))
                .isEqualTo(
                        "https://discord.com/oauth2/authorize?client_id=123456789012345678&scope=bot&permissions=378228960272");
    }

    @Test
    void everyCorePermissionMapsToTheSameDiscordBit() {
        for (var p : com.valoratbot.core.port.DiscordPermission.values()) {
            assertThat(Permissions.jda(p).getName()).as(p.name()).isNotBlank();
        }
        assertThat(Permissions.jda(com.valoratbot.core.port.DiscordPermission.MANAGE_ROLES)
                        .getRawValue())
                .isEqualTo(1L << 28);
        assertThat(Permissions.LOCKED_RAW).isEqualTo((1L << 11) | (1L << 38) | (1L << 35) | (1L << 36));
    }
}
