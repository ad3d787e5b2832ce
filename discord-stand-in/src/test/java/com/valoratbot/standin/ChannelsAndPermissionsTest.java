package com.valoratbot.standin;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.util.concurrent.atomic.AtomicLong;
import net.dv8tion.jda.api.JDA;
import net.dv8tion.jda.api.Permission;
import net.dv8tion.jda.api.entities.Member;
import net.dv8tion.jda.api.entities.Role;
import net.dv8tion.jda.api.entities.channel.concrete.TextChannel;
import net.dv8tion.jda.api.events.channel.update.ChannelUpdateSlowmodeEvent;
import net.dv8tion.jda.api.events.guild.override.PermissionOverrideCreateEvent;
import net.dv8tion.jda.api.events.guild.override.PermissionOverrideDeleteEvent;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Slowmode, permission overwrites, and Discord's 401/403/404 answers. */
class ChannelsAndPermissionsTest {

    private static final AtomicLong NEXT_CHANNEL = new AtomicLong(1_100_000_000_000_006_000L);

    private static DiscordStandIn standIn;
    private static JDA jda;
    private static final EventRecorder events = new EventRecorder();
    private static RawHttp http;

    @BeforeAll
    static void connect() throws InterruptedException {
        standIn = DiscordStandIn.builder().build().start();
        DemoGuild.seed(standIn.state());
        jda = StandInJda.connect(standIn, events);
        http = new RawHttp(standIn);
    }

    @AfterAll
    static void disconnect() throws InterruptedException {
        StandInJda.shutdown(jda);
        standIn.close();
    }

    @Test
    void settingSlowmodeThroughJdaPatchesTheChannelAndJdaSeesChannelUpdate() throws InterruptedException {
        TextChannel channel = freshChannel("lent");

        channel.getManager().setSlowmode(30).reason("Trop de spam").complete();

        assertThat(standIn.state().channel(channel.getIdLong()).rateLimitPerUser())
                .isEqualTo(30);
        events.await(
                ChannelUpdateSlowmodeEvent.class,
                e -> e.getChannel().getIdLong() == channel.getIdLong() && e.getNewValue() == 30);
        assertThat(jda.getTextChannelById(channel.getIdLong()).getSlowmode()).isEqualTo(30);
        assertThat(standIn.requests("PATCH /channels/{channel_id}"))
                .last()
                .satisfies(r -> assertThat(r.status()).isEqualTo(200));
        assertThat(standIn.state().auditLog(DemoGuild.GUILD_ID))
                .anySatisfy(e -> assertThat(e.reason()).isEqualTo("Trop de spam"));
    }

    @Test
    void slowmodeAboveSixHoursIsAnInvalidFormBodyAndChangesNothing() throws InterruptedException {
        TextChannel channel = freshChannel("trop-lent");

        HttpResponse<String> response =
                http.call("PATCH", "channels/" + channel.getId(), "{\"rate_limit_per_user\":21601}");

        assertThat(response.statusCode()).isEqualTo(400);
        JsonNode body = RawHttp.json(response);
        assertThat(body.path("code").asInt()).isEqualTo(50035);
        assertThat(body.path("errors").has("rate_limit_per_user")).isTrue();
        assertThat(standIn.state().channel(channel.getIdLong()).rateLimitPerUser())
                .isZero();
    }

    @Test
    void aPermissionOverwriteCanBePutAndDeletedThroughJda() throws InterruptedException {
        TextChannel channel = freshChannel("verrou");
        Role membres = jda.getRoleById(DemoGuild.MEMBRES_ROLE_ID);

        channel.upsertPermissionOverride(membres).deny(Permission.MESSAGE_SEND).complete();

        events.await(PermissionOverrideCreateEvent.class, e -> e.getChannel().getIdLong() == channel.getIdLong());
        assertThat(standIn.state().channel(channel.getIdLong()).overwrite(DemoGuild.MEMBRES_ROLE_ID))
                .hasValueSatisfying(o -> {
                    assertThat(o.type()).isEqualTo(OverwriteType.ROLE);
                    assertThat(o.deny()).isEqualTo(Permissions.SEND_MESSAGES);
                    assertThat(o.allow()).isZero();
                });
        assertThat(standIn.state().effectivePermissions(channel.getIdLong(), DemoGuild.ALICE_ID)
                        & Permissions.SEND_MESSAGES)
                .isZero();

        jda.getTextChannelById(channel.getIdLong())
                .getPermissionOverride(membres)
                .delete()
                .complete();

        events.await(PermissionOverrideDeleteEvent.class, e -> e.getChannel().getIdLong() == channel.getIdLong());
        assertThat(standIn.state().channel(channel.getIdLong()).overwrites()).isEmpty();
        assertThat(standIn.requests())
                .extracting(RecordedRequest::route)
                .containsSubsequence(
                        "PUT /channels/{channel_id}/permissions/{overwrite_id}",
                        "DELETE /channels/{channel_id}/permissions/{overwrite_id}");
    }

    @Test
    void aMemberOverwriteThroughTheStateReachesJda() throws InterruptedException {
        TextChannel channel = freshChannel("prive");

        standIn.state()
                .setOverwrite(channel.getIdLong(), DemoGuild.BOB_ID, OverwriteType.MEMBER, 0, Permissions.VIEW_CHANNEL);

        events.await(PermissionOverrideCreateEvent.class, e -> e.getChannel().getIdLong() == channel.getIdLong());
        Member bob = jda.getGuildById(DemoGuild.GUILD_ID).getMemberById(DemoGuild.BOB_ID);
        assertThat(bob.hasAccess(jda.getTextChannelById(channel.getIdLong()))).isFalse();
    }

    @Test
    void withoutManageMessagesDeletingOthersMessagesIs403MissingPermissions() throws InterruptedException {
        TextChannel channel = freshChannel("sans-gestion");
        long first = standIn.state()
                .addMessage(channel.getIdLong(), DemoGuild.ALICE_ID, "un", java.time.Instant.now(), false);
        long second = standIn.state()
                .addMessage(channel.getIdLong(), DemoGuild.BOB_ID, "deux", java.time.Instant.now(), false);
        standIn.state()
                .setOverwrite(
                        channel.getIdLong(), DemoGuild.BOT_ROLE_ID, OverwriteType.ROLE, 0, Permissions.MANAGE_MESSAGES);

        HttpResponse<String> bulk = http.call(
                "POST",
                "channels/" + channel.getId() + "/messages/bulk-delete",
                "{\"messages\":[\"" + first + "\",\"" + second + "\"]}");
        HttpResponse<String> single = http.call("DELETE", "channels/" + channel.getId() + "/messages/" + first, null);

        for (HttpResponse<String> response : java.util.List.of(bulk, single)) {
            assertThat(response.statusCode()).isEqualTo(403);
            assertThat(RawHttp.json(response).path("code").asInt()).isEqualTo(50013);
            assertThat(RawHttp.json(response).path("message").asText()).isEqualTo("Missing Permissions");
        }
        assertThat(standIn.state().messages(channel.getIdLong())).hasSize(2);
    }

    @Test
    void postingAnEmbedWithoutEmbedLinksIsForbiddenButPlainTextGoesThrough() throws InterruptedException {
        TextChannel channel = freshChannel("sans-embed");
        standIn.state()
                .setOverwrite(
                        channel.getIdLong(), DemoGuild.BOT_ROLE_ID, OverwriteType.ROLE, 0, Permissions.EMBED_LINKS);

        HttpResponse<String> embed =
                http.call("POST", "channels/" + channel.getId() + "/messages", "{\"embeds\":[{\"title\":\"Bilan\"}]}");
        HttpResponse<String> text =
                http.call("POST", "channels/" + channel.getId() + "/messages", "{\"content\":\"ok\"}");

        assertThat(embed.statusCode()).isEqualTo(403);
        assertThat(RawHttp.json(embed).path("code").asInt()).isEqualTo(50013);
        assertThat(text.statusCode()).isEqualTo(200);
        assertThat(RawHttp.json(text).path("author").path("id").asText()).isEqualTo(Long.toString(standIn.botUserId()));
    }

    @Test
    void aChannelTheBotCannotSeeAnswers403MissingAccess() throws InterruptedException {
        TextChannel channel = freshChannel("invisible");
        standIn.state()
                .setOverwrite(
                        channel.getIdLong(), DemoGuild.BOT_ROLE_ID, OverwriteType.ROLE, 0, Permissions.VIEW_CHANNEL);

        HttpResponse<String> response = http.get("channels/" + channel.getId());

        assertThat(response.statusCode()).isEqualTo(403);
        assertThat(RawHttp.json(response).path("code").asInt()).isEqualTo(50001);
    }

    @Test
    void unknownChannelsGuildsAndMembersAnswer404WithDiscordCodes() {
        assertThat(RawHttp.json(http.get("channels/123456789")).path("code").asInt())
                .isEqualTo(10003);
        assertThat(RawHttp.json(http.get("guilds/123456789")).path("code").asInt())
                .isEqualTo(10004);
        HttpResponse<String> member = http.get("guilds/" + DemoGuild.GUILD_ID + "/members/123456789");
        assertThat(member.statusCode()).isEqualTo(404);
        assertThat(RawHttp.json(member).path("code").asInt()).isEqualTo(10007);
        assertThat(http.get("no/such/route").statusCode()).isEqualTo(404);
    }

    @Test
    void aWrongOrMissingBotTokenIs401() {
        assertThat(http.withToken("not-the-token").get("users/@me").statusCode())
                .isEqualTo(401);
        assertThat(http.withToken(null).get("users/@me").statusCode()).isEqualTo(401);
    }

    @Test
    void jdaCanRetrieveAMemberAndTheGuildOverRest() {
        // useCache(false): over REST whatever JDA has cached by now (the cache fills as tests run, in any order).
        Member alice = jda.getGuildById(DemoGuild.GUILD_ID)
                .retrieveMemberById(DemoGuild.ALICE_ID)
                .useCache(false)
                .complete();

        assertThat(alice.getUser().getName()).isEqualTo("alice");
        assertThat(alice.getRoles()).extracting(Role::getIdLong).containsExactly(DemoGuild.MEMBRES_ROLE_ID);
        assertThat(standIn.requests("GET /guilds/{guild_id}/members/{user_id}")).isNotEmpty();
        JsonNode guild = RawHttp.json(http.get("guilds/" + DemoGuild.GUILD_ID));
        assertThat(guild.path("roles")).hasSize(4);
    }

    private static TextChannel freshChannel(String name) throws InterruptedException {
        long id = NEXT_CHANNEL.incrementAndGet();
        standIn.state().guild(DemoGuild.GUILD_ID).textChannel(id, name, DemoGuild.TEXT_CATEGORY_ID);
        return MessagesTest.awaitCached(jda, id);
    }
}
