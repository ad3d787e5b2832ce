package com.example.questbot;

import com.valoratbot.library.Valoratbot;
import com.zaxxer.hikari.HikariDataSource;
import java.util.function.UnaryOperator;
import javax.sql.DataSource;
import net.dv8tion.jda.api.JDABuilder;
import net.dv8tion.jda.api.requests.GatewayIntent;

/**
 * A small JDA bot of its own ({@code !ping}, quests) that also runs the Valoratbot dashboard's
 * commands, by embedding the backend through its front door ({@code docs/embedding.md}).
 *
 * <pre>
 * DISCORD_TOKEN=… JDBC_URL=jdbc:postgresql://host:5432/postgres JDBC_USER=… JDBC_PASSWORD=… java … com.example.questbot.QuestBot
 * </pre>
 */
public final class QuestBot {

    private QuestBot() {}

    public static void main(String[] args) throws InterruptedException {
        String token = required("DISCORD_TOKEN");
        HikariDataSource database = new HikariDataSource(); // ours: we close it, after the backend
        database.setJdbcUrl(required("JDBC_URL"));
        database.setUsername(System.getenv("JDBC_USER"));
        database.setPassword(System.getenv("JDBC_PASSWORD"));

        // Every setting has the worker daemon's default (results' reasons in French, as the dashboard's).
        Valoratbot bot = start(discord(token), database, settings -> settings);

        Runtime.getRuntime()
                .addShutdownHook(new Thread(
                        () -> {
                            bot.close(); // stops claiming, lets running commands finish, then leaves Discord
                            database.close(); // then what is ours
                        },
                        "quest-bot-stop"));
        Thread.currentThread().join();
    }

    /** Our session: the token, our listener, and the intent our listener needs. */
    public static JDABuilder discord(String token) {
        return JDABuilder.createDefault(token)
                // Privileged: switch it on in the Developer Portal too. The backend itself never reads message text.
                .enableIntents(GatewayIntent.MESSAGE_CONTENT)
                .addEventListeners(new PingListener());
    }

    /**
     * Embeds the backend in our session and database, with our own action next to the built-in
     * ones, and returns once it claims the dashboard's rows. {@code settings} adjusts the front
     * door's builder (the test points it at the Discord stand-in).
     */
    public static Valoratbot start(
            JDABuilder discord, DataSource database, UnaryOperator<Valoratbot.Builder> settings) {
        QuestStore quests = QuestStore.on(database);
        return settings.apply(Valoratbot.create(discord, database).action(new AddQuestProgress(quests)))
                .start();
    }

    private static String required(String name) {
        String value = System.getenv(name);
        if (value == null || value.isBlank()) throw new IllegalStateException("set " + name + " (see README.md)");
        return value;
    }
}
