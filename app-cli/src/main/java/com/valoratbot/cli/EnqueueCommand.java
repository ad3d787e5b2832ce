package com.valoratbot.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.valoratbot.standin.DemoGuild;
import com.valoratbot.supabase.CommandAdmin;
import com.valoratbot.supabase.Database;
import java.util.Optional;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
        name = "enqueue",
        mixinStandardHelpOptions = true,
        description = "Queue a command as the dashboard would (any action and payload).")
final class EnqueueCommand extends DatabaseCommand {

    @Parameters(index = "0", description = "The action, e.g. listTextChannels, purge, announce.")
    String action;

    @Parameters(index = "1", defaultValue = "{}", description = "The payload as JSON (default {}).")
    String payload;

    @Option(names = "--guild", description = "The guild id (default with --sandbox: the demo guild).")
    String guild;

    @Option(names = "--sandbox", description = "Target the sandbox's demo guild " + DemoGuild.GUILD_ID + ".")
    boolean sandbox;

    @Option(
            names = "--requested-by",
            description = "The requesting member's Discord id (checked against the action's permissions).")
    String requestedBy;

    @Mixin
    Waiting waiting;

    private String guildId;

    @Override
    void validate() {
        guildId = Optional.ofNullable(guild).orElse(sandbox ? Long.toString(DemoGuild.GUILD_ID) : null);
        if (guildId == null)
            throw new CommandLine.ParameterException(
                    spec.commandLine(), "--guild is required (or --sandbox for the demo guild)");
        try {
            new ObjectMapper().readTree(payload);
        } catch (Exception e) {
            throw new CommandLine.ParameterException(
                    spec.commandLine(), "the payload is not valid JSON: " + ValoratbotCli.oneLine(e));
        }
    }

    @Override
    int run(Database db, CommandAdmin admin) throws Exception {
        String id = admin.enqueue(guildId, action, payload, requestedBy);
        return waiting.print(admin, id, out(), err());
    }
}
