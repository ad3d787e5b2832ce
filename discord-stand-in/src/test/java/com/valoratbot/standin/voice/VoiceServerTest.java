package com.valoratbot.standin.voice;

import static org.assertj.core.api.Assertions.assertThat;

import com.neovisionaries.ws.client.WebSocketFactory;
import com.valoratbot.standin.DemoGuild;
import com.valoratbot.standin.DiscordStandIn;
import com.valoratbot.standin.StandInJda;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.EnumSet;
import java.util.function.BooleanSupplier;
import net.dv8tion.jda.api.JDA;
import net.dv8tion.jda.api.JDABuilder;
import net.dv8tion.jda.api.audio.AudioSendHandler;
import net.dv8tion.jda.api.audio.hooks.ConnectionStatus;
import net.dv8tion.jda.api.entities.Guild;
import net.dv8tion.jda.api.entities.channel.concrete.VoiceChannel;
import net.dv8tion.jda.api.requests.GatewayIntent;
import net.dv8tion.jda.api.utils.MemberCachePolicy;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * An unmodified JDA joins the stand-in's voice channel over the TLS voice gateway and sends Opus frames, which the
 * voice server decrypts and counts. One JDA for the class: logging in and joining take a moment.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class VoiceServerTest {

    private static final long GUILD = DemoGuild.GUILD_ID;

    private VoiceServer voice;
    private DiscordStandIn standIn;
    private JDA jda;
    private final FakeOpus sender = new FakeOpus();

    @BeforeAll
    void start() throws InterruptedException {
        voice = VoiceServer.start();
        standIn = DiscordStandIn.builder().port(0).voiceHook(voice).build().start();
        DemoGuild.seed(standIn.state());
        jda = StandInJda.pointAt(
                        JDABuilder.createLight(standIn.botToken(), EnumSet.of(GatewayIntent.GUILD_VOICE_STATES)),
                        standIn)
                .setMemberCachePolicy(MemberCachePolicy.VOICE)
                .enableCache(net.dv8tion.jda.api.utils.cache.CacheFlag.VOICE_STATE)
                .setWebsocketFactory(
                        new WebSocketFactory().setSSLContext(voice.certificate().clientContext()))
                .build();
        jda.awaitReady();
    }

    @AfterAll
    void stop() throws InterruptedException {
        if (jda != null) {
            jda.shutdownNow();
            jda.awaitShutdown(Duration.ofSeconds(10));
        }
        if (standIn != null) standIn.close();
        if (voice != null) voice.close();
    }

    @Test
    @Order(1)
    void jdaJoinsOverTlsAndItsOpusFramesAreDecryptedAndCounted() {
        Guild guild = jda.getGuildById(GUILD);
        VoiceChannel vocal = guild.getVoiceChannelById(DemoGuild.VOCAL_ID);
        guild.getAudioManager().setSendingHandler(sender);
        guild.getAudioManager().openAudioConnection(vocal);

        await(
                () -> guild.getAudioManager().getConnectionStatus() == ConnectionStatus.CONNECTED,
                Duration.ofSeconds(15));
        assertThat(standIn.state().voiceState(GUILD, standIn.botUserId()))
                .hasValueSatisfying(state -> assertThat(state.channelId()).isEqualTo(DemoGuild.VOCAL_ID));
        await(() -> voice.audioFrames(GUILD) > 10, Duration.ofSeconds(10));

        long before = voice.audioFrames(GUILD);
        sleep(2_000);
        long perTwoSeconds = voice.audioFrames(GUILD) - before;
        assertThat(perTwoSeconds).isBetween(85L, 110L);

        VoiceStats stats = voice.stats(GUILD);
        assertThat(stats.connected()).isTrue();
        assertThat(stats.decryptFailures()).isZero();
        assertThat(stats.speaking()).isNotZero();
        assertThat(voice.jitter(GUILD).samples()).isGreaterThan(50);
        assertThat(voice.toJson()
                        .path("guilds")
                        .path(Long.toString(GUILD))
                        .path("audioFrames")
                        .asLong())
                .isPositive();
        assertThat(stateJson()
                        .path("voice")
                        .path("guilds")
                        .path(Long.toString(GUILD))
                        .path("opusFrames")
                        .asLong())
                .as("the stand-in's state JSON shows the voice side")
                .isPositive();
    }

    @Test
    @Order(2)
    void whenTheHandlerHasNothingNoFramesArrive() {
        sender.enabled = false;
        try {
            sleep(300);
            long frames = voice.stats(GUILD).opusFrames();
            sleep(500);
            assertThat(voice.stats(GUILD).opusFrames()).isEqualTo(frames);
        } finally {
            sender.enabled = true;
        }
        long audio = voice.audioFrames(GUILD);
        await(() -> voice.audioFrames(GUILD) > audio + 10, Duration.ofSeconds(5));
    }

    @Test
    @Order(3)
    void aCloseWithAnUnknownCodeIsResumedAndTheMediaKeepsFlowing() {
        int resumes = voice.stats(GUILD).resumes();
        assertThat(voice.disconnect(GUILD, 4000)).isTrue();
        await(() -> voice.stats(GUILD).resumes() == resumes + 1, Duration.ofSeconds(10));
        long audio = voice.audioFrames(GUILD);
        await(() -> voice.audioFrames(GUILD) > audio + 25, Duration.ofSeconds(5));
    }

    @Test
    @Order(4)
    void aVoiceServerCrashMakesJdaStartANewVoiceSession() {
        int sessions = voice.stats(GUILD).sessions();
        assertThat(voice.disconnect(GUILD, VoiceServer.CLOSE_VOICE_SERVER_CRASHED))
                .isTrue();
        await(
                () -> voice.stats(GUILD).sessions() == sessions + 1
                        && voice.stats(GUILD).connected(),
                Duration.ofSeconds(15));
        long audio = voice.audioFrames(GUILD);
        await(() -> voice.audioFrames(GUILD) > audio + 25, Duration.ofSeconds(5));
        assertThat(voice.stats(GUILD).decryptFailures()).isZero();
    }

    @Test
    @Order(5)
    void leavingClosesTheVoiceSessionAndClearsTheBotsVoiceState() {
        Guild guild = jda.getGuildById(GUILD);
        guild.getAudioManager().closeAudioConnection();
        await(() -> standIn.state().voiceState(GUILD, standIn.botUserId()).isEmpty(), Duration.ofSeconds(10));
        await(() -> !voice.stats(GUILD).connected(), Duration.ofSeconds(10));
        long frames = voice.stats(GUILD).opusFrames();
        sleep(300);
        assertThat(voice.stats(GUILD).opusFrames()).isEqualTo(frames);
        assertThat(voice.stats(GUILD).channelId()).isNull();
    }

    @Test
    void ipDiscoveryAnswersWithTheSendersAddressAndPort() throws Exception {
        try (DatagramSocket client = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            client.setSoTimeout(2_000);
            ByteBuffer request = ByteBuffer.allocate(74)
                    .putShort((short) 1)
                    .putShort((short) 70)
                    .putInt(4242);
            client.send(new DatagramPacket(request.array(), 74, InetAddress.getLoopbackAddress(), voice.udpPort()));
            DatagramPacket answer = new DatagramPacket(new byte[74], 74);
            client.receive(answer);
            ByteBuffer response = ByteBuffer.wrap(answer.getData());
            assertThat(answer.getLength()).isEqualTo(74);
            assertThat(response.getShort()).isEqualTo((short) 2);
            assertThat(response.getShort()).isEqualTo((short) 70);
            assertThat(response.getInt()).isEqualTo(4242);
            assertThat(new String(answer.getData(), 8, 64, java.nio.charset.StandardCharsets.US_ASCII).trim())
                    .isEqualTo("127.0.0.1");
            assertThat(response.getShort(72) & 0xFFFF).isEqualTo(client.getLocalPort());
        }
    }

    private com.fasterxml.jackson.databind.JsonNode stateJson() {
        try (var http = java.net.http.HttpClient.newHttpClient()) {
            var response = http.send(
                    java.net.http.HttpRequest.newBuilder(java.net.URI.create(standIn.stateUrl() + "?messages=false"))
                            .build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString());
            return new com.fasterxml.jackson.databind.ObjectMapper().readTree(response.body());
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    /** Stands for Lavaplayer: one 20 ms Opus frame (any bytes but the silence frame) per call while enabled. */
    static final class FakeOpus implements AudioSendHandler {
        volatile boolean enabled = true;
        private final ByteBuffer frame = ByteBuffer.allocate(40);

        @Override
        public boolean canProvide() {
            return enabled;
        }

        @Override
        public ByteBuffer provide20MsAudio() {
            frame.clear();
            for (int i = 0; i < 40; i++) frame.put((byte) (0x78 + i));
            return frame.flip();
        }

        @Override
        public boolean isOpus() {
            return true;
        }
    }

    static void await(BooleanSupplier condition, Duration timeout) {
        long until = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > until) throw new AssertionError("condition not met within " + timeout);
            sleep(20);
        }
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
