package com.valoratbot.standin;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.EnumSet;
import net.dv8tion.jda.api.JDA;
import net.dv8tion.jda.api.Permission;
import net.dv8tion.jda.api.entities.Guild;
import net.dv8tion.jda.api.entities.Member;
import net.dv8tion.jda.api.entities.channel.concrete.TextChannel;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class JdaLoginTest {

    private static DiscordStandIn standIn;
    private static JDA jda;

    @BeforeAll
    static void connect() throws InterruptedException {
        standIn = DiscordStandIn.builder().build().start();
        DemoGuild.seed(standIn.state());
        jda = StandInJda.connect(standIn);
    }

    @AfterAll
    static void disconnect() throws InterruptedException {
        StandInJda.shutdown(jda);
        standIn.close();
    }

    @Test
    void jdaReachesConnectedAsTheConfiguredBot() {
        assertThat(jda.getStatus()).isEqualTo(JDA.Status.CONNECTED);
        assertThat(jda.getSelfUser().getIdLong()).isEqualTo(DiscordStandIn.DEFAULT_BOT_USER_ID);
        assertThat(jda.getSelfUser().getName()).isEqualTo("Valoratbot");
        assertThat(jda.getSelfUser().isBot()).isTrue();
    }

    @Test
    void loginAsksOnlyForTheBotUserBeforeOpeningTheGateway() {
        assertThat(standIn.requests())
                .first()
                .extracting(RecordedRequest::route)
                .isEqualTo("GET /users/@me");
        assertThat(standIn.gatewayStats().identifies()).isEqualTo(1);
    }

    @Test
    void theDemoGuildIsCachedWithItsChannels() {
        Guild guild = jda.getGuildById(DemoGuild.GUILD_ID);
        assertThat(guild).isNotNull();
        assertThat(guild.getName()).isEqualTo("Valorat Sandbox");
        assertThat(guild.getTextChannels())
                .extracting(TextChannel::getName)
                .containsExactlyInAnyOrder("general", "annonces", "moderation");
        assertThat(guild.getNewsChannelById(DemoGuild.NEWS_ID)).isNotNull();
        assertThat(guild.getVoiceChannels()).extracting(c -> c.getName()).containsExactlyInAnyOrder("Vocal", "AFK");
        assertThat(guild.getCategories()).hasSize(2);
        assertThat(guild.getTextChannelById(DemoGuild.GENERAL_ID).getParentCategoryIdLong())
                .isEqualTo(DemoGuild.TEXT_CATEGORY_ID);
        assertThat(guild.getAfkChannel().getIdLong()).isEqualTo(DemoGuild.AFK_ID);
        assertThat(guild.getAfkTimeout()).isEqualTo(Guild.Timeout.SECONDS_300);
    }

    @Test
    void rolesAndMembersAreCachedIncludingTheBotItself() {
        Guild guild = jda.getGuildById(DemoGuild.GUILD_ID);
        assertThat(guild.getPublicRole().getIdLong()).isEqualTo(DemoGuild.GUILD_ID);
        assertThat(guild.getRoleById(DemoGuild.MODERATORS_ROLE_ID).hasPermission(Permission.ADMINISTRATOR))
                .isTrue();
        assertThat(guild.getMembers())
                .extracting(m -> m.getUser().getName())
                .containsExactlyInAnyOrder("Valoratbot", "alice", "bob", "helperbot", "admin");
        assertThat(guild.getMemberById(DemoGuild.HELPERBOT_ID).getUser().isBot())
                .isTrue();
        assertThat(guild.getOwnerIdLong()).isEqualTo(DemoGuild.ADMIN_ID);
        Member self = guild.getSelfMember();
        assertThat(self.getRoles()).extracting(r -> r.getIdLong()).containsExactly(DemoGuild.BOT_ROLE_ID);
        assertThat(self.hasPermission(EnumSet.of(
                        Permission.MESSAGE_MANAGE,
                        Permission.MANAGE_CHANNEL,
                        Permission.MANAGE_ROLES,
                        Permission.VOICE_CONNECT)))
                .isTrue();
        assertThat(self.hasPermission(Permission.ADMINISTRATOR)).isFalse();
    }

    @Test
    void jdaComputesTheSameChannelPermissionsAsTheStandIn() {
        long knownToJda = Permission.getRaw(Permission.values());
        Guild guild = jda.getGuildById(DemoGuild.GUILD_ID);
        for (long channelId : new long[] {DemoGuild.GENERAL_ID, DemoGuild.ANNONCES_ID, DemoGuild.MODERATION_ID}) {
            for (long userId : new long[] {
                DemoGuild.ALICE_ID, DemoGuild.ADMIN_ID, DemoGuild.HELPERBOT_ID, DiscordStandIn.DEFAULT_BOT_USER_ID
            }) {
                long byJda = Permission.getRaw(
                        guild.getMemberById(userId).getPermissions(guild.getGuildChannelById(channelId)));
                long byStandIn = standIn.state().effectivePermissions(channelId, userId);
                assertThat(byStandIn & knownToJda)
                        .as("user %d in channel %d", userId, channelId)
                        .isEqualTo(withImplicitDenials(byJda) & knownToJda);
            }
        }
        assertThat(standIn.state().effectivePermissions(DemoGuild.ANNONCES_ID, DemoGuild.ALICE_ID)
                        & (Permissions.SEND_MESSAGES | Permissions.EMBED_LINKS))
                .isZero();
        assertThat(guild.getSelfMember().hasAccess(guild.getTextChannelById(DemoGuild.MODERATION_ID)))
                .isTrue();
        assertThat(guild.getMemberById(DemoGuild.ALICE_ID).hasAccess(guild.getTextChannelById(DemoGuild.MODERATION_ID)))
                .isFalse();
    }

    // JDA reports the raw result; Discord then implicitly denies what only qualifies a message (embeds, files,
    // @everyone, TTS) when SEND_MESSAGES is missing, which is what the stand-in enforces.
    private static long withImplicitDenials(long permissions) {
        if ((permissions & Permissions.SEND_MESSAGES) == 0) {
            return permissions
                    & ~(Permissions.EMBED_LINKS
                            | Permissions.ATTACH_FILES
                            | Permissions.MENTION_EVERYONE
                            | Permissions.SEND_TTS_MESSAGES);
        }
        return permissions;
    }
}
