package com.valoratbot.testing;

import com.valoratbot.standin.DiscordStandIn;
import com.valoratbot.standin.StandInJda;
import com.valoratbot.standin.StandInState;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.function.Consumer;
import net.dv8tion.jda.api.JDA;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The Discord stand-in for tests, seeded, and real JDA logged in to it.
 *
 * <pre>{@code
 * @RegisterExtension static final TestStandIn discord = TestStandIn.with(b -> b.botToken("t")).seeded(DemoGuild::seed);
 * ...
 * JDA jda = discord.jda(myListener);       // logged in, READY, shut down with the stand-in
 * discord.standIn().requests(route);      // what the bot did
 * }</pre>
 *
 * A {@code static} field gives one stand-in per class (logging in takes a while); an instance field
 * one per test (JUnit calls only the per-test callbacks on instance fields). Outside JUnit,
 * {@link #start()} and {@link #close()} do the same by hand. What is handed to {@link #closeAfter}
 * (an adapter, a JDA) is closed first, newest first, then the stand-in.
 */
public final class TestStandIn
        implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback, AfterEachCallback, AutoCloseable {

    private final Consumer<DiscordStandIn.Builder> settings;
    private final Consumer<StandInState> seed;
    private final Deque<AutoCloseable> toClose = new ArrayDeque<>();
    private volatile DiscordStandIn standIn;
    private boolean perClass;

    private TestStandIn(Consumer<DiscordStandIn.Builder> settings, Consumer<StandInState> seed) {
        this.settings = settings;
        this.seed = seed;
    }

    /** An empty stand-in (no guild) on a free port. */
    public static TestStandIn empty() {
        return with(b -> {});
    }

    /** A stand-in on a free port, with these settings (token, rate limits, voice hook, ...). */
    public static TestStandIn with(Consumer<DiscordStandIn.Builder> settings) {
        return new TestStandIn(settings, s -> {});
    }

    /** The same, whose state {@code seed} fills (guilds, channels, members) before anyone logs in. */
    public TestStandIn seeded(Consumer<StandInState> seed) {
        return new TestStandIn(settings, this.seed.andThen(seed));
    }

    /** Starts the stand-in and seeds it; returns it. */
    public synchronized DiscordStandIn start() {
        if (standIn != null) throw new IllegalStateException("the stand-in is already running");
        DiscordStandIn.Builder b = DiscordStandIn.builder().port(0);
        settings.accept(b);
        DiscordStandIn started = b.build().start();
        seed.accept(started.state());
        standIn = started;
        return started;
    }

    /** Closes what was handed to {@link #closeAfter} (newest first), then the stand-in. */
    @Override
    public synchronized void close() {
        while (!toClose.isEmpty()) {
            try {
                toClose.pop().close();
            } catch (Exception e) {
                System.err.println("closing after tests: " + e);
            }
        }
        if (standIn != null) standIn.close();
        standIn = null;
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        perClass = true;
        start();
    }

    @Override
    public void afterAll(ExtensionContext context) {
        close();
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        if (!perClass) start();
    }

    @Override
    public void afterEach(ExtensionContext context) {
        if (!perClass) close();
    }

    /** The running stand-in. */
    public DiscordStandIn standIn() {
        DiscordStandIn running = standIn;
        if (running == null)
            throw new IllegalStateException("the stand-in is not running (register the extension, or call start())");
        return running;
    }

    public StandInState state() {
        return standIn().state();
    }

    /**
     * A real JDA with the bot's intents ({@link StandInJda#builder}), logged in and READY, with these
     * listeners; shut down before the stand-in.
     */
    public JDA jda(Object... listeners) throws InterruptedException {
        JDA jda = StandInJda.connect(standIn(), listeners);
        closeAfter(() -> StandInJda.shutdown(jda));
        return jda;
    }

    /** Closes {@code resource} before the stand-in (newest first); returns it. */
    public synchronized <T extends AutoCloseable> T closeAfter(T resource) {
        toClose.push(resource);
        return resource;
    }
}
