package com.valoratbot.discord.leaderboard;

import static org.assertj.core.api.Assertions.assertThat;

import com.valoratbot.core.command.Snowflake;
import com.valoratbot.core.port.CommandContext;
import com.valoratbot.core.result.ErrorCode;
import com.valoratbot.core.result.Result;
import com.valoratbot.core.text.Language;
import com.valoratbot.discord.DiscordGateway;
import com.valoratbot.discord.Sandbox;
import com.valoratbot.standin.StandInAttachment;
import com.valoratbot.standin.StandInMessage;
import com.valoratbot.testing.TestStandIn;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.Optional;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Posting through unmodified JDA to the stand-in, which accepts multipart uploads like Discord. */
class DiscordLeaderboardsTest {

    private static final long GUILD = 3_200_000_000_000_000_001L;
    private static final long RESULTS = 3_200_000_000_000_000_101L;
    private static final long VOICE = 3_200_000_000_000_000_201L;
    private static final long MISSING = 3_200_000_000_000_000_999L;

    @RegisterExtension
    static final TestStandIn standIn = TestStandIn.with(b -> b.botToken("leaderboard-token"))
            .seeded(s -> s.createGuild(GUILD, "Les Valorants")
                    .textChannel(RESULTS, "classements")
                    .voiceChannel(VOICE, "Vocal"));

    private static DiscordLeaderboards leaderboards;

    @BeforeAll
    static void connect() {
        DiscordGateway discord =
                standIn.closeAfter(Sandbox.gatewayTo(standIn.standIn()).build().start());
        leaderboards =
                DiscordLeaderboards.builder(discord::jda).language(Language.FR).build();
    }

    private static CommandContext context() {
        return new CommandContext("post-" + System.nanoTime(), Snowflake.of(GUILD), Optional.empty());
    }

    private static long ok(Result<Snowflake> r) {
        assertThat(r).as("%s", r).isInstanceOf(Result.Ok.class);
        return ((Result.Ok<Snowflake>) r).value().value();
    }

    private static StandInMessage posted(long id) {
        return standIn.state().message(RESULTS, id).orElseThrow();
    }

    @Test
    void aLeaderboardIsPostedAsAnEmbedShowingTheAttachedPngCard() throws IOException {
        long id = ok(leaderboards.publish(context(), Snowflake.of(RESULTS), Cards.full()));
        StandInMessage message = posted(id);
        assertThat(message.attachments())
                .singleElement()
                .satisfies(a -> assertThat(a.filename()).isEqualTo("leaderboard.png"));
        StandInAttachment png = message.attachments().getFirst();
        BufferedImage card = ImageIO.read(new ByteArrayInputStream(png.bytes()));
        assertThat(card.getWidth()).isEqualTo(LeaderboardCardRenderer.WIDTH);
        assertThat(message.embeds()).singleElement().satisfies(embed -> {
            assertThat(embed.path("title").asText()).isEqualTo("Classement de Les Valorants");
            assertThat(embed.path("image").path("url").asText()).contains("leaderboard.png");
            assertThat(embed.path("fields").get(0).path("value").asText()).startsWith("**1.** Alice — 1 234 msg");
        });
        assertThat(message.allowedMentions().path("parse")).isEmpty();
    }

    @Test
    void aPeriodWithoutActivityPostsAFriendlyMessageInstead() {
        long id = ok(leaderboards.publish(context(), Snowflake.of(RESULTS), Cards.empty()));
        StandInMessage message = posted(id);
        assertThat(message.attachments()).isEmpty();
        assertThat(message.content()).startsWith("Aucune activité du ").contains("pas de classement cette fois");
    }

    @Test
    void anUnknownChannelOrAVoiceChannelIsRefusedWithTheContractsCodes() {
        Result<Snowflake> missing = leaderboards.publish(context(), Snowflake.of(MISSING), Cards.full());
        assertThat(((Result.Err<Snowflake>) missing).failure().code()).isEqualTo(ErrorCode.CHANNEL_NOT_FOUND);
        Result<Snowflake> voice = leaderboards.publish(context(), Snowflake.of(VOICE), Cards.full());
        assertThat(((Result.Err<Snowflake>) voice).failure().code()).isEqualTo(ErrorCode.INVALID_PAYLOAD);
        Result<Snowflake> noGuild = leaderboards.publish(
                new CommandContext("x", Snowflake.of(42), Optional.empty()), Snowflake.of(RESULTS), Cards.full());
        assertThat(((Result.Err<Snowflake>) noGuild).failure().code()).isEqualTo(ErrorCode.GUILD_NOT_FOUND);
    }
}
